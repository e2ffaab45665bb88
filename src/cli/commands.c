/*
 * The command table.  A command appears here once it works; there are no
 * placeholders for commands still to be written.
 */
#include "cli/cli.h"

extern const struct cmd cmd_capture;
extern const struct cmd cmd_import;
extern const struct cmd cmd_export;
extern const struct cmd cmd_report;
extern const struct cmd cmd_project;
extern const struct cmd cmd_plot;
extern const struct cmd cmd_compare;
extern const struct cmd cmd_providers;
extern const struct cmd cmd_nft;
extern const struct cmd cmd_sample;
extern const struct cmd cmd_top;
extern const struct cmd cmd_watch;
extern const struct cmd cmd_forget;
extern const struct cmd cmd_metrics;
extern const struct cmd cmd_serve;

const struct cmd *const cli_commands[] = {
    &cmd_capture, &cmd_report,    &cmd_compare, &cmd_project, &cmd_plot,  &cmd_export,
    &cmd_import,  &cmd_providers, &cmd_nft,     &cmd_sample,  &cmd_watch, &cmd_top,
    &cmd_forget,  &cmd_metrics,   &cmd_serve,   NULL,
};
