module github.com/nango-wasm/nango-wasm/bench/floor

go 1.26.8

require github.com/hack-pad/safejs v0.1.0
