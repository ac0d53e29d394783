package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"sync"
	"time"
)

// compressor is one of the commands make precompresses the SDK and the floor with, so the two are
// compressed alike and the sizes are what the dev server sends; the bench runs the same ones on
// the files make does not compress.
type compressor struct {
	name   string // as the table shows it
	suffix string // of the precompressed copy
	args   []string
}

var compressors = []compressor{
	{"gzip -9", ".gz", []string{"gzip", "-9", "-n", "-c"}},
	{"brotli -q 11", ".br", []string{"brotli", "-q", "11", "-c"}},
}

func (c compressor) run(path string) ([]byte, error) {
	args := append(append([]string(nil), c.args[1:]...), path)
	var out, stderr bytes.Buffer
	cmd := exec.Command(c.args[0], args...)
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("bench: %s %s: %w: %s", c.args[0], path, err, stderr.String())
	}
	return out.Bytes(), nil
}

// precompressedSize is the size of the copy of path that make compressed with c, which must be
// no older than path (the dev server, too, ignores an older one).
func precompressedSize(path string, c compressor, source time.Time) (int, error) {
	info, err := os.Stat(path + c.suffix)
	if err != nil {
		return 0, fmt.Errorf("bench: %w (run make bench, which writes it)", err)
	}
	if info.ModTime().Before(source) {
		return 0, fmt.Errorf("bench: %s is older than %s (run make bench, which rewrites it)", path+c.suffix, path)
	}
	return int(info.Size()), nil
}

// fileSizes are a file's raw, gzip -9 and brotli -q 11 sizes in bytes.
type fileSizes struct {
	raw, gzip, brotli int
}

// coding names the copy of a file that went over the wire, from its size there.
func (f fileSizes) coding(wire int) string {
	switch wire {
	case f.brotli:
		return "brotli"
	case f.gzip:
		return "gzip"
	case f.raw:
		return "uncompressed"
	}
	return fmt.Sprintf("unknown (%d B)", wire)
}

// sizeFigures measures section 1: the wasm against the floor (built by make bench with the same
// flags, against safejs as published and not post-linked: the budget's baseline), against three
// stronger baselines (the floor, a syscall/js hello and an empty main, each post-linked as
// nango.wasm is), and before its post-link step; the glue against wasm_exec.js (the least glue
// any Go wasm needs); and the real @nangohq/frontend minified as a reference.
type sizeFigures struct {
	wasm, linked, floor, floorPostlinked, jsHello, emptyMain fileSizes
	glue, wasmExec, anchor                                   fileSizes
}

// measureAllSizes takes the compressed sizes of the wasm, the floor and the glue from the copies
// make compressed them into (brotli -q 11 of a 3 MB wasm takes seconds: doing it again would
// only repeat it), and compresses the other files with each compressor, two at a time.
func measureAllSizes(in inputs) (sizeFigures, error) {
	var f sizeFigures
	files := []struct {
		dst           *fileSizes
		name          string
		precompressed bool // make wrote name.gz and name.br
	}{
		{&f.wasm, "nango.wasm", true}, {&f.floor, "bench/floor.wasm", true}, {&f.glue, "nango.js", true},
		{&f.linked, "linked/nango.wasm", false}, {&f.floorPostlinked, "bench/floor-postlinked.wasm", false},
		{&f.jsHello, "bench/jshello.wasm", false}, {&f.emptyMain, "bench/emptymain.wasm", false},
		{&f.wasmExec, "wasm_exec.js", false}, {&f.anchor, "bench/frontend.min.js", false},
	}
	if in.only != "" {
		files = files[:2] // -only startup tells the wasm's coding on the wire from these two
	}
	setSize := func(dst *fileSizes, c compressor, n int) {
		if c.suffix == ".gz" {
			dst.gzip = n
		} else {
			dst.brotli = n
		}
	}
	type job struct {
		file int
		c    compressor
	}
	jobs := make(chan job)
	errs := make(chan error, len(files)*len(compressors))
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range 2 {
		wg.Go(func() {
			for j := range jobs {
				b, err := j.c.run(in.path(files[j.file].name))
				if err != nil {
					errs <- err
					continue
				}
				mu.Lock()
				setSize(files[j.file].dst, j.c, len(b))
				mu.Unlock()
			}
		})
	}
	for i, file := range files {
		info, err := os.Stat(in.path(file.name))
		if err != nil {
			close(jobs)
			wg.Wait()
			return f, fmt.Errorf("bench: %w", err)
		}
		file.dst.raw = int(info.Size())
		for _, c := range compressors {
			if !file.precompressed {
				jobs <- job{i, c}
				continue
			}
			n, err := precompressedSize(in.path(file.name), c, info.ModTime())
			if err != nil {
				close(jobs)
				wg.Wait()
				return f, err
			}
			mu.Lock()
			setSize(file.dst, c, n)
			mu.Unlock()
		}
	}
	close(jobs)
	wg.Wait()
	close(errs)
	for err := range errs {
		return f, err
	}
	return f, nil
}
