package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"sync"
)

// compressor is one of the commands make build precompresses the SDK with; the bench runs the
// same ones, so the floor and the SDK are compressed alike and the sizes are what the dev server
// sends.
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
// flags), the glue against wasm_exec.js (the least glue any Go wasm needs), and the real
// @nangohq/frontend minified as a reference.
type sizeFigures struct {
	wasm, floor, glue, wasmExec, anchor fileSizes
}

// measureAllSizes compresses every file with each compressor, two at a time (brotli -q 11 of a
// 3 MB wasm takes seconds), and keeps the floor's compressed copies next to it in dist/bench,
// where the start-up pages get them from.
func measureAllSizes(in inputs) (sizeFigures, error) {
	var f sizeFigures
	files := []struct {
		dst  *fileSizes
		name string
	}{
		{&f.wasm, "nango.wasm"}, {&f.floor, "bench/floor.wasm"}, {&f.glue, "nango.js"},
		{&f.wasmExec, "wasm_exec.js"}, {&f.anchor, "bench/frontend.min.js"},
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
				path := in.path(files[j.file].name)
				b, err := j.c.run(path)
				if err == nil && files[j.file].name == "bench/floor.wasm" {
					err = os.WriteFile(path+j.c.suffix, b, 0o644)
				}
				if err != nil {
					errs <- err
					continue
				}
				mu.Lock()
				if j.c.suffix == ".gz" {
					files[j.file].dst.gzip = len(b)
				} else {
					files[j.file].dst.brotli = len(b)
				}
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
			jobs <- job{i, c}
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
