package main

import (
	"fmt"
	"math/rand/v2"
	"slices"
)

// samples are the repeated measurements of one figure. Medians, not means: on a shared 2-core
// machine a run now and then stalls for reasons that have nothing to do with the code, and one
// stall must not move the figure.
type samples []float64

func (s samples) sorted() []float64 {
	c := slices.Clone(s)
	slices.Sort(c)
	return c
}

// median is the middle value (the mean of the two middle ones for an even count).
func (s samples) median() float64 {
	c := s.sorted()
	switch n := len(c); {
	case n == 0:
		return 0
	case n%2 == 1:
		return c[n/2]
	default:
		return (c[n/2-1] + c[n/2]) / 2
	}
}

func (s samples) min() float64 {
	if len(s) == 0 {
		return 0
	}
	return slices.Min(s)
}

func (s samples) max() float64 {
	if len(s) == 0 {
		return 0
	}
	return slices.Max(s)
}

// percentile is the nearest-rank percentile (p in 0..100), as the load driver computes it.
func (s samples) percentile(p int) float64 {
	c := s.sorted()
	if len(c) == 0 {
		return 0
	}
	rank := (p*len(c) + 99) / 100
	return c[max(rank, 1)-1]
}

// spread prints "median (min–max, n=N)" with a unit: the middle of all the runs and how far
// they spread, never the best run.
func (s samples) spread(format, unit string) string {
	if len(s) == 1 {
		return fmt.Sprintf(format+"%s (n=1)", s[0], unit)
	}
	return fmt.Sprintf(format+"%s (%s–%s, n=%d)", s.median(), unit, fmt.Sprintf(format, s.min()), fmt.Sprintf(format, s.max()), len(s))
}

// ratioInterval is a 95% bootstrap interval of median(a) / median(b): how far the ratio could
// move by chance with these samples. Samples taken in pairs (a[i] and b[i] in the same round,
// close in time, as the bench takes them) are resampled in pairs, so a slow period of the
// machine weighs on both sides of the ratio alike. A fixed seed keeps the interval a function
// of the data.
func ratioInterval(a, b samples) (lo, hi float64) {
	if len(a) < 2 || len(b) < 2 {
		r := a.median() / b.median()
		return r, r
	}
	rng := rand.New(rand.NewPCG(1, 2))
	paired := len(a) == len(b)
	const n = 2000
	ratios := make(samples, n)
	ra, rb := make(samples, len(a)), make(samples, len(b))
	for k := range ratios {
		for i := range ra {
			if !paired {
				ra[i] = a[rng.IntN(len(a))]
			}
		}
		for i := range rb {
			j := rng.IntN(len(b))
			if paired {
				ra[i] = a[j]
			}
			rb[i] = b[j]
		}
		ratios[k] = ra.median() / rb.median()
	}
	c := ratios.sorted()
	return c[n*25/1000], c[n*975/1000-1]
}
