// Probability distributions used by the tests. F, t, chi-squared and normal come from Boost.Math; the studentized
// range (Tukey's q) is integrated numerically because Boost has no ptukey. Every function is thread-safe and
// returns NaN for arguments outside its domain instead of throwing.
#pragma once

namespace maestro::stats {

// Upper tail P(F > f) of the F distribution with (df1, df2) degrees of freedom; df may be fractional.
double FSurvival(double f, double df1, double df2);
// Upper tail P(X > x) of the chi-squared distribution with `df` degrees of freedom.
double ChiSquaredSurvival(double x, double df);
// Quantile of Student's t: the t with P(T <= t) = p.
double StudentTQuantile(double p, double df);
// Upper tail P(T > t) of Student's t with `df` (possibly fractional) degrees of freedom.
double StudentTSurvival(double t, double df);
// Standard normal: the quantile for probability p, and the survival P(Z > z).
double NormalQuantile(double p);
double NormalSurvival(double z);

// Studentized range distribution of the range of k standard normal means divided by an independent
// sqrt(chi2_df / df), df > 0 (fractional allowed; df = +inf gives the normal-range limit).
// StudentizedRangeSurvival RETURNS P(Q > q), computed directly (not as 1 - CDF) so small p-values keep
// relative accuracy. StudentizedRangeQuantile RETURNS q with P(Q <= q) = p.
double StudentizedRangeSurvival(double q, double k, double df);
double StudentizedRangeQuantile(double p, double k, double df);

}  // namespace maestro::stats
