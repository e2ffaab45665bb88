/*
 * Robust daily forecasting.  Medians and Theil-Sen slopes keep a one-day
 * spike from moving the forecast; the interval comes from the spread of the
 * residuals actually observed, not from an assumed distribution.
 */
#include "forecast/forecast.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/date.h"

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* Median of n values (reorders them). */
static double median(double *v, size_t n)
{
	if (n == 0)
		return 0;
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Empirical quantile with linear interpolation (sorted input). */
static double quantile(const double *sorted, size_t n, double q)
{
	double pos;
	size_t i;

	if (n == 0)
		return 0;
	pos = q * (double)(n - 1);
	i = (size_t)pos;
	if (i + 1 >= n)
		return sorted[n - 1];
	return sorted[i] + (pos - (double)i) * (sorted[i + 1] - sorted[i]);
}

/* Theil-Sen slope: the median of the slopes between all pairs of observed days. */
static double theil_sen(const double *y, size_t w, double *pairs)
{
	size_t npairs = 0;

	for (size_t i = 0; i < w; i++)
		for (size_t j = i + 1; j < w; j++)
			if (!isnan(y[i]) && !isnan(y[j]))
				pairs[npairs++] = (y[j] - y[i]) / (double)(j - i);
	return median(pairs, npairs);
}

int forecast_run(const struct forecast_input *in, struct forecast_result *out, struct err *e)
{
	size_t start = in->n > FORECAST_WINDOW ? in->n - FORECAST_WINDOW : 0;
	size_t w = in->n - start, nobs = 0;
	double *tmp = NULL, *y = NULL, *pairs = NULL, *res = NULL;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	out->horizon = in->horizon;
	for (int d = 0; d < 7; d++)
		out->weekday[d] = 1;
	out->daily = calloc(in->horizon ? in->horizon : 1, sizeof(*out->daily));
	tmp = calloc(w ? w : 1, sizeof(*tmp));
	y = calloc(w ? w : 1, sizeof(*y));
	res = calloc(w ? w : 1, sizeof(*res));
	pairs = calloc(w > 1 ? w * (w - 1) / 2 : 1, sizeof(*pairs));
	if (!out->daily || !tmp || !y || !res || !pairs) {
		err_set(e, "out of memory");
		goto out;
	}
	for (size_t i = start; i < in->n; i++)
		if (!isnan(in->values[i]))
			tmp[nobs++] = in->values[i];
	out->observed = nobs;
	out->little_history = nobs < FORECAST_MIN_DAYS;
	if (nobs == 0) {
		rc = 0;
		goto out;
	}

	/*
	 * A first trend from the raw series, so that growth over the window is
	 * not mistaken for a weekday pattern.  Trends need two weeks: over a
	 * shorter window a weekend looks like a slope.
	 */
	bool trend = nobs >= 14;
	if (trend) {
		for (size_t i = 0; i < w; i++)
			y[i] = in->values[start + i];
		out->slope = theil_sen(y, w, pairs);
	}

	/*
	 * Weekday profile: each weekday's median of the detrended series over
	 * the overall median, only with two weeks of data (else a spike would
	 * pass for a weekday).
	 */
	if (nobs >= 14) {
		double sum = 0;
		int have = 0;
		size_t k = 0;
		for (size_t i = 0; i < w; i++)
			if (!isnan(in->values[start + i]))
				tmp[k++] = in->values[start + i] + out->slope * (double)(w - 1 - i);
		double mid = median(tmp, k);
		for (int d = 0; d < 7 && mid > 0; d++) {
			k = 0;
			for (size_t i = 0; i < w; i++)
				if (!isnan(in->values[start + i]) &&
				    date_weekday(in->first_day + (int32_t)(start + i)) == d)
					tmp[k++] = in->values[start + i] +
					           out->slope * (double)(w - 1 - i);
			if (k >= 2) {
				out->weekday[d] = median(tmp, k) / mid;
				have++;
			}
			sum += out->weekday[d];
		}
		if (have == 7 && sum > 0)
			for (int d = 0; d < 7; d++)
				out->weekday[d] *= 7.0 / sum;
		else
			for (int d = 0; d < 7; d++)
				out->weekday[d] = 1;
	}

	/* Deseasonalise, then the trend once more without the weekday pattern. */
	for (size_t i = start; i < in->n; i++) {
		double f = out->weekday[date_weekday(in->first_day + (int32_t)i)];
		y[i - start] = isnan(in->values[i]) ? NAN : in->values[i] / (f > 0 ? f : 1);
	}
	if (trend)
		out->slope = theil_sen(y, w, pairs);

	/* Level at the origin: median of the detrended last two weeks. */
	{
		size_t k = 0, from = w > 14 ? w - 14 : 0;
		for (size_t i = from; i < w; i++)
			if (!isnan(y[i]))
				tmp[k++] = y[i] + out->slope * (double)(w - 1 - i);
		out->level = median(tmp, k);
		if (out->level < 0)
			out->level = 0;
	}

	/* Relative residuals of the fit over the window. */
	size_t nres = 0;
	for (size_t i = 0; i < w; i++) {
		if (isnan(y[i]))
			continue;
		double f = out->weekday[date_weekday(in->first_day + (int32_t)(start + i))];
		double fit = (out->level - out->slope * (double)(w - 1 - i)) * f;
		if (fit > 0)
			res[nres++] = in->values[start + i] / fit - 1;
	}
	qsort(res, nres, sizeof(*res), cmp_double);
	out->resid_p10 = quantile(res, nres, 0.10);
	out->resid_p90 = quantile(res, nres, 0.90);
	/*
	 * In-sample residuals understate the error of days not yet seen by the
	 * parameters fitted to them: level and trend, and six weekday factors
	 * when the profile is in use.
	 */
	{
		double params = out->weekday[0] != 1 || out->weekday[5] != 1 ? 8 : 2;
		if ((double)nres > params + 1) {
			double k = sqrt((double)nres / ((double)nres - params));
			out->resid_p10 *= k;
			out->resid_p90 *= k;
		}
	}

	/* The forecast itself. */
	double s2 = 0, hs = 0;
	for (size_t h = 0; h < in->horizon; h++) {
		int32_t day = in->first_day + (int32_t)(in->n + h);
		double v =
		    (out->level + out->slope * (double)(h + 1)) * out->weekday[date_weekday(day)];
		out->daily[h] = v > 0 ? v : 0;
		out->sum_p50 += out->daily[h];
		s2 += out->daily[h] * out->daily[h];
		hs += out->daily[h] * (double)(h + 1);
	}

	/*
	 * Interval.  Daily noise adds up as the square root of the sum of
	 * squares; the level (a median of up to 14 days, efficiency 2/pi) and
	 * the trend (Theil-Sen, close to least squares) are shared by every day
	 * ahead, so their errors add up linearly.  The residual quantiles carry
	 * the shape of the noise, skew included.
	 */
	{
		double nl = nobs < 14 ? (double)nobs : 14.0;
		double sxx = (double)nobs * ((double)nobs * (double)nobs - 1) / 12.0;
		double var = s2 + out->sum_p50 * out->sum_p50 * (M_PI / 2) / nl;
		/*
		 * The trend's error; under two weeks no trend is fitted, but an
		 * unseen one is just as likely, so its uncertainty stays.
		 */
		if (nobs >= FORECAST_MIN_DAYS && sxx > 0 && out->level > 0)
			var += hs * hs / sxx;
		double spread = out->sum_p50 > 0 ? sqrt(var) : 0;
		double lo = out->resid_p10, hi = out->resid_p90;
		if (out->little_history) {
			/* Too few days to trust the residuals: assume at least +-50 % a day. */
			if (lo > -0.5)
				lo = -0.5;
			if (hi < 0.5)
				hi = 0.5;
			spread *= 1.5;
		}
		out->sum_p10 = out->sum_p50 + lo * spread;
		out->sum_p90 = out->sum_p50 + hi * spread;
		if (out->sum_p10 < 0)
			out->sum_p10 = 0;
		if (out->sum_p10 > out->sum_p50)
			out->sum_p10 = out->sum_p50;
		if (out->sum_p90 < out->sum_p50)
			out->sum_p90 = out->sum_p50;
	}
	rc = 0;
out:
	free(tmp);
	free(y);
	free(res);
	free(pairs);
	if (rc)
		forecast_release(out);
	return rc;
}

void forecast_release(struct forecast_result *r)
{
	free(r->daily);
	r->daily = NULL;
}
