// The project's sample price dataset: deterministic, generated, and labelled SYNTHETIC everywhere it appears.
// data/knowledge/prices_synthetic_2024.csv is this function's output for seed 42 and year 2024
// (`maestro analyst gen-prices`); a test regenerates it and compares bytes.
#pragma once

#include <cstdint>
#include <string>

namespace maestro::analyst {

// RETURNS CSV text `date,ticker,open,high,low,close,volume` for 22 B3 and US tickers over the weekdays of `year`,
// from geometric Brownian motion with per-ticker drift and volatility drawn from `seed`. The raw prices include a
// 2-for-1 split of BBAS3 on <year>-04-16 and a 10-for-1 split of NVDA on <year>-06-10, not back-adjusted, so the
// loader's split detection has work to do. The same seed and year give the same bytes on the same platform.
std::string GenerateSyntheticPrices(uint64_t seed, int year);

}  // namespace maestro::analyst
