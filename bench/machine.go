package main

import (
	"bufio"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// machine describes where the figures were taken; BENCH.md's figures mean little without it.
type machine struct {
	cpu      string
	cores    int
	memory   string
	os       string
	goVer    string
	chromium string
	date     string
}

func describeMachine(chromium string) machine {
	m := machine{
		cpu:      firstField("/proc/cpuinfo", "model name", ":"),
		cores:    runtime.NumCPU(),
		os:       strings.Trim(firstField("/etc/os-release", "PRETTY_NAME", "="), `"`),
		goVer:    runtime.Version(),
		chromium: strings.NewReplacer("HeadlessChrome/", "Chromium ", "Chrome/", "Chromium ").Replace(chromium),
		date:     time.Now().UTC().Format("2006-01-02"),
	}
	if kb, err := strconv.ParseFloat(strings.TrimSuffix(firstField("/proc/meminfo", "MemTotal", ":"), " kB"), 64); err == nil {
		m.memory = fmt.Sprintf("%.1f GiB", kb/(1<<20))
	}
	for _, s := range []*string{&m.cpu, &m.memory, &m.os} {
		if *s == "" {
			*s = "unknown"
		}
	}
	return m
}

func (m machine) String() string {
	return fmt.Sprintf("%s, %d cores, %s memory, %s, Go %s, %s, %s", m.cpu, m.cores, m.memory, m.os,
		strings.TrimPrefix(m.goVer, "go"), m.chromium, m.date)
}

// firstField reads the value of the first "key<sep>value" line of a file ("" if none).
func firstField(path, key, sep string) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), sep)
		if ok && strings.TrimSpace(k) == key {
			return strings.TrimSpace(v)
		}
	}
	return ""
}
