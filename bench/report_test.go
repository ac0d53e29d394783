package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSamples(t *testing.T) {
	s := samples{5, 1, 4, 2, 3}
	if got := s.median(); got != 3 {
		t.Errorf("median = %v, want 3", got)
	}
	if got := (samples{4, 1, 3, 2}).median(); got != 2.5 {
		t.Errorf("median of an even count = %v, want 2.5", got)
	}
	if got := s.percentile(99); got != 5 {
		t.Errorf("p99 = %v, want 5", got)
	}
	if got := s.spread("%.0f", " ms"); got != "3 ms (1–5, n=5)" {
		t.Errorf("spread = %q", got)
	}
}

// The interval is a function of the data alone and holds the ratio of the medians.
func TestRatioInterval(t *testing.T) {
	a := samples{110, 120, 100, 130, 115, 125, 105}
	b := samples{100, 95, 105, 110, 100, 98, 102}
	lo, hi := ratioInterval(a, b)
	lo2, hi2 := ratioInterval(a, b)
	if lo != lo2 || hi != hi2 {
		t.Errorf("not deterministic: %v–%v then %v–%v", lo, hi, lo2, hi2)
	}
	if r := a.median() / b.median(); lo > r || r > hi {
		t.Errorf("interval %v–%v misses the ratio %v", lo, hi, r)
	}
}

func TestBudgetVerdicts(t *testing.T) {
	if r := (row{}).budget(1.2, 1.15, "x"); !r.over || !strings.Contains(r.verdict, "**OVER** by 4.3%") {
		t.Errorf("1.2 against 1.15: %+v", r)
	}
	if r := (row{lo: 0.9, hi: 1.1}).budget(1.02, 1.0, "x"); !r.over || !strings.HasSuffix(r.verdict, "within noise") {
		t.Errorf("1.02 (0.9–1.1) against 1.0: %+v", r)
	}
	if r := (row{}).noGrowth(0, 0, "js.Funcs", "x"); r.over {
		t.Errorf("no growth reported as over: %+v", r)
	}
}

// make bench owns one section of BENCH.md and leaves the colleagues' sections as they are.
func TestWriteBenchMD(t *testing.T) {
	path := filepath.Join(t.TempDir(), "BENCH.md")
	other := "## Dev server load\n\nbbolt figures.\n"
	if err := os.WriteFile(path, []byte("# Benchmarks\n\n"+other), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := writeBenchMD(path, "first table"); err != nil {
		t.Fatal(err)
	}
	if err := writeBenchMD(path, "second table"); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(path)
	want := "# Benchmarks\n\n## make bench\n\nsecond table\n\n" + other
	if string(got) != want {
		t.Errorf("BENCH.md:\n%s\nwant:\n%s", got, want)
	}
}

// The preload page is start.html plus the README's snippet in its head, and nothing else.
func TestPreloadPageIsStartPagePlusTheREADMESnippet(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(readme), "```html\n"+preloadSnippet+"```") {
		t.Errorf("the README's preload snippet is not the one the bench measures:\n%s", preloadSnippet)
	}
	start, err := pages.ReadFile("pages/start.html")
	if err != nil {
		t.Fatal(err)
	}
	got, err := withPreload()
	if err != nil {
		t.Fatal(err)
	}
	page := string(got)
	head, _, _ := strings.Cut(page, "</head>")
	if !strings.HasSuffix(head, preloadSnippet) {
		t.Errorf("the preload links are not at the end of the head:\n%s", head)
	}
	if strings.Replace(page, preloadSnippet, "", 1) != string(start) {
		t.Errorf("the preload page differs from start.html in more than the snippet")
	}
}
