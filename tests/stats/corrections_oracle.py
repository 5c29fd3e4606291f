"""Independent oracle for the multiple-comparison corrections and the equivalence tests of `maestro analyze`.

Reads a JSON file {"families": [[p, ...], ...], "pairs": [{"a": [...], "b": [...], "margin": m, "alpha": x}]}
and prints {"holm": [[...]], "bh": [[...]], "pairs": [{...}]} computed with statsmodels and scipy only:
multipletests(method="holm" / "fdr_bh"), ttost_ind(usevar="unequal") on ln values with bounds +-ln(1 + margin),
CompareMeans.tconfint_diff(usevar="unequal") for the ratio's interval, and scipy's Welch t-test.
Only Debian's /usr/bin/python3 (python3-statsmodels, python3-scipy) is used.
"""
import json
import math
import sys
import warnings

import numpy as np
import scipy.stats as st
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.weightstats import CompareMeans, DescrStatsW, ttost_ind

warnings.simplefilter("ignore")


def pair(entry):
    a, b = np.log(np.asarray(entry["a"], float)), np.log(np.asarray(entry["b"], float))
    bound = math.log1p(entry["margin"])
    p_tost, lower, upper = ttost_ind(a, b, -bound, bound, usevar="unequal")
    low, high = CompareMeans(DescrStatsW(a), DescrStatsW(b)).tconfint_diff(alpha=entry["alpha"], usevar="unequal")
    welch = st.ttest_ind(a, b, equal_var=False)
    return {"ratio": math.exp(a.mean() - b.mean()), "ci_low": math.exp(low), "ci_high": math.exp(high),
            "df": float(lower[2]), "p_difference": float(welch.pvalue), "p_equivalence": float(p_tost),
            "p_lower": float(lower[1]), "p_upper": float(upper[1])}


def main():
    spec = json.load(open(sys.argv[1]))
    out = {"holm": [], "bh": [], "pairs": [pair(p) for p in spec["pairs"]]}
    for family in spec["families"]:
        out["holm"].append(multipletests(family, method="holm")[1].tolist())
        out["bh"].append(multipletests(family, method="fdr_bh")[1].tolist())
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
