// Package web is the small HTTP toolkit the dev server's origins share: Nango's error envelope
// ({"error":{"code","message"}}, written in one place), request validation worded as Nango's zod
// schemas word it, JSON bodies and their size limit, page rendering under a per-response CSP
// nonce (html/template, or for the pages every flow shows, markup in Go with html/template's
// escapers), the built SDK's files (precompressed, with strong ETags), and random
// ids. It serves no origin and knows none: the Nango API stand-in, the mock provider, the demo
// app and the Connect UI each build their routes from it.
package web
