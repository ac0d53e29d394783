// Command wasmmerge is a post-link step for Go's wasm output: it merges the data segments that
// Go's linker splits at every run of zeros.
//
//	wasmmerge [-gap 64] -o out.wasm in.wasm
//
// Go's linker writes one data segment per run of non-zero bytes, ~28,000 for nango.wasm, each
// with a header of 5–9 bytes, ~270 KB that compress poorly. Joining segments that are at most
// -gap bytes apart (writing the zeros between them) leaves ~15 segments and initializes exactly
// the same memory: wasmmerge checks that the memory image of its output equals its input's, byte
// for byte, and keeps every other section as it is. make build runs it on dist/nango.wasm.
package main

import (
	"flag"
	"fmt"
	"os"
)

func main() {
	gap := flag.Int("gap", 64, "merge data segments at most this many bytes apart")
	out := flag.String("o", "", "the merged module (required)")
	flag.Usage = func() {
		fmt.Fprintln(flag.CommandLine.Output(), "usage: wasmmerge [-gap 64] -o out.wasm in.wasm")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 1 || *out == "" || *gap < 0 {
		flag.Usage()
		os.Exit(2)
	}
	if err := run(flag.Arg(0), *out, *gap); err != nil {
		fmt.Fprintln(os.Stderr, "wasmmerge:", err)
		os.Exit(1)
	}
}

func run(in, out string, gap int) error {
	module, err := os.ReadFile(in)
	if err != nil {
		return err
	}
	merged, st, err := merge(module, gap)
	if err != nil {
		return fmt.Errorf("%s: %w", in, err)
	}
	if err := os.WriteFile(out, merged, 0o644); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "wasmmerge: %s: %d data segments → %d (%d zero bytes written in gaps ≤ %d B), %d → %d bytes\n",
		out, st.segmentsBefore, st.segmentsAfter, st.zerosAdded, gap, len(module), len(merged))
	return nil
}
