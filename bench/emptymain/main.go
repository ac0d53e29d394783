//go:build js && wasm

// Command emptymain is a size baseline of make bench: an empty main, what standard Go's runtime
// costs in wasm before a program does anything.
package main

func main() {}
