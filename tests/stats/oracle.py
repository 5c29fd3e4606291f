"""Independent oracle for `maestro analyze`: reads a results CSV, runs the same analysis with statsmodels and
scipy, and prints a flat JSON object {"<metric>/<section>/<name>": value}. The C++ test compares every key.

Usage: oracle.py CSV --metrics m1,m2 [--transform m=ln] [--typ 2|3] [--alpha 0.05]
Only Debian's /usr/bin/python3 (python3-scipy, python3-statsmodels, python3-pandas) is used.
"""
import argparse
import json
import math
import sys
import warnings

import numpy as np
import pandas as pd
import scipy.stats as st
import statsmodels.formula.api as smf
from statsmodels.stats.anova import anova_lm
from statsmodels.stats.oneway import anova_oneway

warnings.simplefilter("ignore")


def shapiro_double(x):
    """Royston's AS R94 in double precision, written from the 1995 paper, vectorised with numpy.

    scipy 1.10's shapiro runs the Fortran routine in single precision, so it cannot check 1e-6 agreement;
    the C++ test compares against this at 1e-6 and against scipy.stats.shapiro at single-precision tolerance.
    """
    x = np.sort(np.asarray(x, dtype=float))
    n = len(x)
    nn2 = n // 2
    if n == 3:
        a = np.array([math.sqrt(0.5)])
    else:
        m = st.norm.ppf((np.arange(1, nn2 + 1) - 0.375) / (n + 0.25))
        summ2 = 2 * np.sum(m ** 2)
        ssumm2 = math.sqrt(summ2)
        rsn = 1 / math.sqrt(n)
        c1 = np.polynomial.polynomial.polyval(rsn, [0.0, 0.221157, -0.147981, -2.07119, 4.434685, -2.706056])
        a1 = c1 - m[0] / ssumm2
        a = -m / 1.0
        if n > 5:
            c2 = np.polynomial.polynomial.polyval(rsn, [0.0, 0.042981, -0.293762, -1.752461, 5.682633, -3.582633])
            a2 = -m[1] / ssumm2 + c2
            fac = math.sqrt((summ2 - 2 * m[0] ** 2 - 2 * m[1] ** 2) / (1 - 2 * a1 ** 2 - 2 * a2 ** 2))
            a = -m / fac
            a[0], a[1] = a1, a2
        else:
            fac = math.sqrt((summ2 - 2 * m[0] ** 2) / (1 - 2 * a1 ** 2))
            a = -m / fac
            a[0] = a1
    full = np.zeros(n)
    full[:nn2] = -a
    full[n - nn2:] = a[::-1]
    xs = x / (x[-1] - x[0])
    da = full - full.mean()
    dx = xs - xs.mean()
    ssa, ssx, sax = np.sum(da * da), np.sum(dx * dx), np.sum(da * dx)
    root = math.sqrt(ssa * ssx)
    w1 = (root - sax) * (root + sax) / (ssa * ssx)
    w = 1 - w1
    if n == 3:
        return w, max(0.0, 1.90985931710274 * (math.asin(math.sqrt(w)) - 1.04719755119660))
    y = math.log(w1)
    if n <= 11:
        gamma = -2.273 + 0.459 * n
        if y >= gamma:
            return w, 1e-99
        y = -math.log(gamma - y)
        mean = np.polynomial.polynomial.polyval(n, [0.544, -0.39978, 0.025054, -6.714e-4])
        sd = math.exp(np.polynomial.polynomial.polyval(n, [1.3822, -0.77857, 0.062767, -0.0020322]))
    else:
        ln = math.log(n)
        mean = np.polynomial.polynomial.polyval(ln, [-1.5861, -0.31082, -0.083751, 0.0038915])
        sd = math.exp(np.polynomial.polynomial.polyval(ln, [-0.4803, -0.082676, 0.0030302]))
    return w, st.norm.sf((y - mean) / sd)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("csv")
    parser.add_argument("--metrics", required=True)
    parser.add_argument("--transform", action="append", default=[])
    parser.add_argument("--typ", type=int, default=2)
    parser.add_argument("--alpha", type=float, default=0.05)
    args = parser.parse_args()
    transforms = dict(t.split("=") for t in args.transform)
    df = pd.read_csv(args.csv, dtype={"scenario": str, "protocol": str})
    scenarios = list(dict.fromkeys(df["scenario"]))
    protocols = list(dict.fromkeys(df["protocol"]))
    out = {}

    for metric in args.metrics.split(","):
        data = df[["scenario", "protocol", metric]].dropna().rename(columns={metric: "raw"})
        tf = transforms.get(metric, "none")
        data["y"] = {"none": lambda v: v, "ln": np.log, "log10": np.log10}[tf](data["raw"])

        # Descriptives on the raw scale.
        for s in scenarios:
            for p in protocols:
                v = data[(data.scenario == s) & (data.protocol == p)]["raw"].to_numpy()
                key = f"{metric}/desc/{s}/{p}/"
                n = len(v)
                out[key + "n"] = n
                out[key + "mean"] = float(np.mean(v))
                out[key + "sd"] = float(np.std(v, ddof=1))
                out[key + "median"] = float(np.median(v))
                out[key + "p90"] = float(np.percentile(v, 90))
                out[key + "min"] = float(np.min(v))
                out[key + "max"] = float(np.max(v))
                half = st.t.ppf(0.975, n - 1) * np.std(v, ddof=1) / math.sqrt(n)
                out[key + "ci_low"] = float(np.mean(v) - half)
                out[key + "ci_high"] = float(np.mean(v) + half)

        # Two-way ANOVA with interaction.
        if args.typ == 2:
            model = smf.ols("y ~ C(scenario) * C(protocol)", data=data).fit()
        else:
            model = smf.ols("y ~ C(scenario, Sum) * C(protocol, Sum)", data=data).fit()
        table = anova_lm(model, typ=args.typ)
        names = {"scenario": 0, "protocol": 1, "scenario:protocol": 2}
        index = [i for i in table.index if i not in ("Intercept", "Residual")]
        ss_total = float(np.sum((data["y"] - data["y"].mean()) ** 2))
        ss_res = float(table.loc["Residual", "sum_sq"])
        df_res = float(table.loc["Residual", "df"])
        ms_res = ss_res / df_res
        n_obs = len(data)
        for effect, pos in names.items():
            row = table.loc[index[pos]]
            ss, dfe = float(row["sum_sq"]), float(row["df"])
            key = f"{metric}/anova/{effect}/"
            out[key + "ss"] = ss
            out[key + "df"] = dfe
            out[key + "f"] = float(row["F"])
            out[key + "p"] = float(row["PR(>F)"])
            out[key + "eta_sq"] = ss / ss_total
            out[key + "partial_eta_sq"] = ss / (ss + ss_res)
            out[key + "omega_sq"] = (ss - dfe * ms_res) / (ss_total + ms_res)
            out[key + "partial_omega_sq"] = (ss - dfe * ms_res) / (ss + (n_obs - dfe) * ms_res)
        out[f"{metric}/anova/residual/ss"] = ss_res
        out[f"{metric}/anova/residual/df"] = df_res
        resid = model.resid.to_numpy()
        if len(resid) <= 5000:
            w, p = shapiro_double(resid)
            out[f"{metric}/anova_shapiro/w"] = w
            out[f"{metric}/anova_shapiro/p"] = p
            sw = st.shapiro(resid)
            out[f"{metric}/anova_shapiro_scipy/w"] = float(sw.statistic)
            out[f"{metric}/anova_shapiro_scipy/p"] = float(sw.pvalue)
        cells = [g["y"].to_numpy() for _, g in data.groupby(["scenario", "protocol"])]
        lev = st.levene(*cells, center="median")
        out[f"{metric}/anova_levene/w"] = float(lev.statistic)
        out[f"{metric}/anova_levene/p"] = float(lev.pvalue)

        # Per scenario, across protocols.
        for s in scenarios:
            sub = data[data.scenario == s]
            present = [p for p in protocols if (sub.protocol == p).any()]
            groups = [sub[sub.protocol == p]["y"].to_numpy() for p in present]
            key = f"{metric}/scenario/{s}/"
            f = st.f_oneway(*groups)
            out[key + "anova/f"] = float(f.statistic)
            out[key + "anova/p"] = float(f.pvalue)
            allv = np.concatenate(groups)
            ssb = sum(len(g) * (g.mean() - allv.mean()) ** 2 for g in groups)
            ssw = sum(np.sum((g - g.mean()) ** 2) for g in groups)
            k, n = len(groups), len(allv)
            msw = ssw / (n - k)
            out[key + "anova/eta_sq"] = ssb / (ssb + ssw)
            out[key + "anova/omega_sq"] = (ssb - (k - 1) * msw) / (ssb + ssw + msw)
            welch = anova_oneway(allv, np.concatenate([[i] * len(g) for i, g in enumerate(groups)]),
                                 use_var="unequal", welch_correction=True)
            out[key + "welch/f"] = float(welch.statistic)
            out[key + "welch/df1"] = float(welch.df[0])
            out[key + "welch/df2"] = float(welch.df[1])
            out[key + "welch/p"] = float(welch.pvalue)
            kw = st.kruskal(*groups)
            out[key + "kruskal_wallis/h"] = float(kw.statistic)
            out[key + "kruskal_wallis/p"] = float(kw.pvalue)
            lev = st.levene(*groups, center="median")
            out[key + "levene/w"] = float(lev.statistic)
            out[key + "levene/p"] = float(lev.pvalue)
            res = np.concatenate([g - g.mean() for g in groups])
            w, p = shapiro_double(res)
            out[key + "shapiro/w"] = w
            out[key + "shapiro/p"] = p
            sw = st.shapiro(res)
            out[key + "shapiro_scipy/w"] = float(sw.statistic)
            out[key + "shapiro_scipy/p"] = float(sw.pvalue)
            tukey = st.tukey_hsd(*groups)
            ci = tukey.confidence_interval(1 - args.alpha)
            for i in range(k):
                for j in range(i + 1, k):
                    pk = f"{key}tukey/{present[i]}-{present[j]}/"
                    out[pk + "diff"] = float(tukey.statistic[i, j])
                    out[pk + "p"] = float(tukey.pvalue[i, j])
                    out[pk + "ci_low"] = float(ci.low[i, j])
                    out[pk + "ci_high"] = float(ci.high[i, j])
                    # Games-Howell from its definition, with scipy's studentized range distribution.
                    a, b = groups[i], groups[j]
                    va, vb = a.var(ddof=1) / len(a), b.var(ddof=1) / len(b)
                    dfw = (va + vb) ** 2 / (va ** 2 / (len(a) - 1) + vb ** 2 / (len(b) - 1))
                    q = abs(a.mean() - b.mean()) / math.sqrt((va + vb) / 2)
                    gk = f"{key}games_howell/{present[i]}-{present[j]}/"
                    out[gk + "diff"] = float(a.mean() - b.mean())
                    out[gk + "df"] = float(dfw)
                    out[gk + "q"] = float(q)
                    out[gk + "p"] = float(st.studentized_range.sf(q, k, dfw))
    json.dump(out, sys.stdout, indent=0, sort_keys=True)


if __name__ == "__main__":
    main()
