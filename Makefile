# nango-wasm: `make serve` runs the dev server with the demo page, `make test` runs every test.
# Both set up what they need on a fresh machine (Go modules, npm packages, Debian's Chromium, and
# for make test Firefox ESR and WebKitGTK).

GO       ?= go
GOROOT   := $(shell $(GO) env GOROOT)
WASMEXEC := $(GOROOT)/lib/wasm/wasm_exec.js
DIST     := dist
SUDO     := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
WASM_FLAGS := -trimpath -ldflags='-s -w'
WASM_SRC := $(shell find wasm third_party/safejs -name '*.go' -not -name '*_test.go') go.mod go.sum
NANGO_SRC := $(filter-out %_test.go,$(wildcard wasm/nango/*.go))
# The -overlay that builds the Go app example without package nango (make bench, make vet).
BASELINE_OVERLAY := $(DIST)/bench/go-example-baseline.json

.PHONY: all build pack apps embed-sdk install npm-packages npm-host test-npm test-example serve test test-go test-wasm test-safejs test-unit-envs test-e2e test-engines golden check-golden check-types vet staticcheck deps chromium firefox webkit brotli node_modules anchor clean bench

all: build

# The dev server sends these precompressed (brotli or gzip, by Accept-Encoding), built once here.
# npm ci writes node_modules/.package-lock.json: it stands for the installed packages, so they are
# installed again only when package.json or the lockfile change, not at every make.
NODE_MODULES := node_modules/.package-lock.json
PRECOMPRESSED := $(foreach f,nango.wasm nango.js nango.classic.js go-example.wasm,$(DIST)/$(f).br $(DIST)/$(f).gz)

## build: the SDK as shipped (dist/nango.wasm, dist/nango.js, dist/nango.esbuild.js,
## dist/nango.classic.js, dist/nango.d.ts, dist/wasm_exec.js), the Go app example
## (dist/go-example.wasm and .html, served by make serve at /sdk/go-example.html) and the
## precompressed copies the dev server serves
build: $(DIST)/nango.wasm $(DIST)/wasm_exec.js $(DIST)/nango.js $(DIST)/nango.esbuild.js $(DIST)/nango.classic.js $(DIST)/nango.d.ts \
	$(DIST)/go-example.wasm $(DIST)/go-example.html $(PRECOMPRESSED)

$(DIST):
	mkdir -p $(DIST)

# Go's linker writes dist/linked/nango.wasm; the post-link step (tools/wasmmerge) merges the data
# segments the linker splits at runs of zeros and checks that the memory image is unchanged.
# dist/nango.wasm, what ships and what every test runs, is its output.
$(DIST)/linked/nango.wasm: $(WASM_SRC)
	mkdir -p $(@D)
	GOOS=js GOARCH=wasm $(GO) build $(WASM_FLAGS) -o $@ ./wasm/cmd/nango

WASMMERGE_SRC := $(wildcard tools/wasmmerge/*.go)
$(DIST)/%.wasm: $(DIST)/linked/%.wasm $(WASMMERGE_SRC)
	$(GO) run ./tools/wasmmerge -o $@ $<

# A Go program compiled to wasm that uses package nango (wasm/nango/example), built as an app would.
$(DIST)/go-example.wasm: $(WASM_SRC) | $(DIST)
	GOOS=js GOARCH=wasm $(GO) build $(WASM_FLAGS) -o $@ ./wasm/nango/example

$(DIST)/go-example.html: wasm/nango/example/index.html | $(DIST)
	cp $< $@

# wasm_exec.js must come from the toolchain that built nango.wasm; it is copied, never edited.
$(DIST)/wasm_exec.js: $(WASMEXEC) | $(DIST)
	cp $< $@

# The glue: js/prelude.js, js/popup.js, js/values.js, the toolchain's wasm_exec.js verbatim inside a function
# (js/runtime.js calls it in a try: it throws where JavaScript lacks what Go needs, and importing
# the SDK must not), js/runtime.js, then an entry: the ES module, its esbuild twin, or the classic
# script (inside a function of its own, so that it leaves no globals but its own).
GLUE := js/prelude.js js/popup.js js/values.js $(WASMEXEC) js/runtime.js
glue = { cat js/prelude.js js/popup.js js/values.js; echo 'function nangoInstallGo() {'; cat $(WASMEXEC); echo '}'; cat js/runtime.js $(1); }

$(DIST)/nango.js: $(GLUE) js/esm.js | $(DIST)
	$(call glue,js/esm.js) > $@

$(DIST)/nango.esbuild.js: $(GLUE) js/esbuild.js | $(DIST)
	$(call glue,js/esbuild.js) > $@

$(DIST)/nango.classic.js: $(GLUE) js/classic.js | $(DIST)
	{ echo '(() => {'; $(call glue,js/classic.js); echo '})();'; } > $@

$(DIST)/nango.d.ts: js/nango.d.ts | $(DIST)
	cp $< $@

# brotli copies its input's modification time, truncated to the second; touch makes the copy newer
# than its source, for make and for the dev server, which ignores copies older than their source.
$(DIST)/%.br: $(DIST)/% | brotli
	brotli -q 11 -f -o $@ $<
	touch $@

$(DIST)/%.gz: $(DIST)/%
	gzip -9 -n -c $< > $@

## pack: the npm package, as npm pack makes it (dist/npm/nango-wasm-VERSION.tgz); its prepack
## script runs make build, so a bare npm pack builds first too, or fails
VERSION := $(shell node -p "require('./package.json').version" 2>/dev/null)
PACKAGE := $(DIST)/npm/nango-wasm-$(VERSION).tgz
pack: $(PACKAGE)

$(PACKAGE): $(DIST)/nango.wasm $(DIST)/nango.js $(DIST)/nango.esbuild.js $(DIST)/nango.classic.js $(DIST)/nango.d.ts package.json LICENSE README.md
	mkdir -p $(@D)
	rm -f $(@D)/nango-wasm-*.tgz
	npm pack --silent --pack-destination $(@D) >/dev/null

## apps: the fixture apps (e2e/apps), each built by its pinned bundler from the packed package
## into dist/apps/NAME/out (e2e/bundlers_test.go); vitest and jest are unit-test environments
APPS := vite webpack rollup esbuild vitest jest
apps: $(foreach a,$(APPS),$(DIST)/apps/$(a)/.built)

.SECONDEXPANSION:
$(DIST)/apps/%/.built: $(PACKAGE) e2e/apps/build.sh $$(wildcard e2e/apps/shared/*) $$(shell find e2e/apps/$$* -type f)
	sh e2e/apps/build.sh $* $(abspath $(PACKAGE)) $(@D)
	touch $@

## embed-sdk: copy the built SDK into server/cmd/nango-dev/sdk/, which go build embeds in the
## nango-dev binary so that it serves /sdk/ from any folder. make embed-sdk && go install
## ./server/cmd/nango-dev is how to install it with Go (make install does both).
EMBED_DIR := server/cmd/nango-dev/sdk
EMBEDDED_SDK := $(addprefix $(EMBED_DIR)/,nango.js nango.classic.js nango.wasm nango.d.ts wasm_exec.js \
	$(foreach f,nango.wasm nango.js nango.classic.js,$(f).br $(f).gz))
embed-sdk: $(EMBEDDED_SDK)

$(EMBED_DIR)/%: $(DIST)/%
	cp -p $< $@

install: $(EMBEDDED_SDK)
	CGO_ENABLED=0 $(GO) install -trimpath ./server/cmd/nango-dev

# The dev server's sources, the embedded SDK included: what a nango-dev binary is built from.
NANGO_DEV_SRC := $(shell find server -type f -not -name '*_test.go' -not -path '*/testdata/*') $(EMBEDDED_SDK) go.mod go.sum
# A static binary (no cgo), without the build machine's paths.
NANGO_DEV_FLAGS := -trimpath -ldflags='-s -w'

## nango-dev: this machine's nango-dev binary, SDK embedded, at dist/nango-dev
$(DIST)/nango-dev: $(NANGO_DEV_SRC) | $(DIST)
	CGO_ENABLED=0 $(GO) build $(NANGO_DEV_FLAGS) -o $@ ./server/cmd/nango-dev

# npm: the launcher (npm/nango-dev) and one package per platform, each holding that platform's
# static binary; npm installs only the platform package whose os and cpu fit (README, "npx nango-dev").
# Each carries the repository's LICENSE, copied in when it is packed (npm packs a LICENSE whatever
# the package's "files" say).
NPM_OUT := $(DIST)/npm
NPM_PLATFORMS := linux-x64 linux-arm64 darwin-x64 darwin-arm64 win32-x64 win32-arm64
NPM_VERSION = $(shell node -p "require('./npm/nango-dev/package.json').version" 2>/dev/null)
HOST_PLATFORM = $(shell node -p "process.platform + '-' + process.arch" 2>/dev/null)
# Node's platform names in Go's: win32 is windows, x64 is amd64.
goos = $(subst win32,windows,$(word 1,$(subst -, ,$(1))))
goarch = $(subst x64,amd64,$(word 2,$(subst -, ,$(1))))

# The unpacked platform packages stay: make would otherwise delete them as intermediates.
.PRECIOUS: $(NPM_OUT)/nango-dev-%/package.json
$(NPM_OUT)/nango-dev-%/package.json: $(NANGO_DEV_SRC) npm/nango-dev/package.json npm/platform-package.mjs LICENSE
	rm -rf $(@D) && mkdir -p $(@D)/bin
	CGO_ENABLED=0 GOOS=$(call goos,$*) GOARCH=$(call goarch,$*) $(GO) build $(NANGO_DEV_FLAGS) \
		-o $(@D)/bin/nango-dev$(if $(filter win32-%,$*),.exe) ./server/cmd/nango-dev
	cp LICENSE $(@D)/
	node npm/platform-package.mjs $* $(@D)

$(NPM_OUT)/nango-dev-%.tgz: $(NPM_OUT)/nango-dev-%/package.json
	cd $(NPM_OUT) && npm pack --silent ./nango-dev-$* >/dev/null
	mv $(NPM_OUT)/nango-dev-$*-$(NPM_VERSION).tgz $@

$(NPM_OUT)/nango-dev.tgz: $(wildcard npm/nango-dev/*) npm/nango-dev/bin/nango-dev LICENSE
	rm -rf $(NPM_OUT)/launcher && mkdir -p $(NPM_OUT)/launcher
	cp -R npm/nango-dev/. LICENSE $(NPM_OUT)/launcher/
	npm pack --silent --pack-destination $(NPM_OUT) ./$(NPM_OUT)/launcher >/dev/null
	mv $(NPM_OUT)/nango-dev-$(NPM_VERSION).tgz $@

## npm-packages: the launcher and all six platform packages, packed for release in dist/npm/
## (publish the platform packages first, then the launcher)
npm-packages: $(NPM_OUT)/nango-dev.tgz $(foreach p,$(NPM_PLATFORMS),$(NPM_OUT)/nango-dev-$(p).tgz)

## npm-host: the launcher and this machine's platform package only, packed in dist/npm/
npm-host: $(NPM_OUT)/nango-dev.tgz $(NPM_OUT)/nango-dev-$(HOST_PLATFORM).tgz

## test-npm: installs the packed launcher and this machine's package into a fresh folder, offline,
## and runs npx nango-dev there (npm/npm_test.go)
test-npm: npm-host
	$(GO) test -count=1 ./npm -tarballs $(abspath $(NPM_OUT)) -platform $(HOST_PLATFORM)

## test-example: examples/playwright, a JS team's e2e test (Playwright in Debian's Chromium against
## npx nango-dev), copied to a fresh folder that installs the packed nango-dev offline
## (playwright-core comes from npm's cache, which npm ci filled: it is a dev dependency here too)
EXAMPLE_DIR := $(DIST)/example-playwright
test-example: npm-host chromium $(NODE_MODULES)
	rm -rf $(EXAMPLE_DIR) && mkdir -p $(EXAMPLE_DIR)
	cp -R examples/playwright/app examples/playwright/test examples/playwright/package.json examples/playwright/README.md $(EXAMPLE_DIR)/
	cd $(EXAMPLE_DIR) && npm pkg set devDependencies.nango-dev=file:../npm/nango-dev.tgz \
		devDependencies.nango-dev-$(HOST_PLATFORM)=file:../npm/nango-dev-$(HOST_PLATFORM).tgz
	cd $(EXAMPLE_DIR) && npm install --offline --no-audit --no-fund --loglevel=error
	cd $(EXAMPLE_DIR) && npm test

## serve: build the SDK and start the dev server (demo app :3000, Nango API :3003, mock provider :3004);
## SERVE_ARGS passes flags through, e.g. make serve SERVE_ARGS='-config nango-dev.yaml'
SERVE_ARGS ?=
serve: build
	$(GO) run ./server/cmd/nango-dev -dist $(DIST) $(SERVE_ARGS)

## test: every tier: vet, native Go tests, wasm tests under Node, the anchor goldens, the fixture
## apps' unit tests, chromedp e2e, the popup scenarios in three engines, npx nango-dev from the
## packed npm packages, and the Playwright example
test: deps build vet check-golden check-types test-go test-wasm test-safejs test-unit-envs test-e2e test-engines test-npm test-example

## vet: go vet and staticcheck, natively and for the wasm build; staticcheck must find nothing
vet: staticcheck $(BASELINE_OVERLAY)
	$(GO) vet ./...
	GOOS=js GOARCH=wasm $(GO) vet ./wasm/... ./js/...
	GOOS=js GOARCH=wasm $(GO) vet -overlay $(BASELINE_OVERLAY) ./wasm/nango/example
	$(STATICCHECK) ./...
	GOOS=js GOARCH=wasm $(STATICCHECK) ./wasm/... ./js/...

# staticcheck is installed natively (go install, into GOPATH/bin) when missing or another
# version; the wasm run only sets GOOS and GOARCH for the code it reads.
STATICCHECK_VERSION := 0.8.2
STATICCHECK := $(shell $(GO) env GOPATH)/bin/staticcheck
staticcheck:
	@$(STATICCHECK) -version 2>/dev/null | grep -qF '($(STATICCHECK_VERSION))' || { \
		echo "installing staticcheck v$(STATICCHECK_VERSION)"; \
		$(GO) install honnef.co/go/tools/cmd/staticcheck@v$(STATICCHECK_VERSION); }

test-go:
	$(GO) test -count=1 ./wasm/... ./server/... ./bench/... ./internal/... ./tools/...
	$(GO) test -count=1 -race ./server/loadtest/

# ./js/... holds the glue's rules equal to their Go twins, in Node.
test-wasm:
	GOOS=js GOARCH=wasm $(GO) test -count=1 -exec "$(GOROOT)/lib/wasm/go_js_wasm_exec" ./wasm/... ./js/...

# The patched copy of safejs (third_party/safejs/PATCH.md) is its own module: its tests, native
# and under Node, as upstream runs them.
test-safejs:
	cd third_party/safejs && GOOS=js GOARCH=wasm $(GO) vet ./...
	cd third_party/safejs && $(GO) test -count=1 ./...
	cd third_party/safejs && GOOS=js GOARCH=wasm $(GO) test -count=1 -exec "$(GOROOT)/lib/wasm/go_js_wasm_exec" ./...

# @nangohq/frontend's own unit test file, only its import changed, against the packed package under
# Vitest and Jest with jsdom (e2e/apps/vitest, e2e/apps/jest); each also runs it against the real
# @nangohq/frontend, the control.
test-unit-envs: $(DIST)/apps/vitest/.built $(DIST)/apps/jest/.built
	cd $(DIST)/apps/vitest && npm test --silent
	cd $(DIST)/apps/jest && npm test --silent

# The whole suite takes 5 minutes on an idle 2-core machine and 15 or more on a busy one (the
# conformance suite and the fixture apps are most of it): the timeout only catches a hang.
test-e2e: chromium anchor apps
	$(GO) test -count=1 -timeout 40m $$($(GO) list ./e2e/... | grep -v /e2e/engines$$)

## test-engines: the popup scenarios in Chromium, Firefox ESR and WebKitGTK (e2e/engines); -v
## prints each engine's version and each scenario's time
test-engines: chromium firefox webkit anchor
	$(GO) test -count=1 -v -timeout 5m ./e2e/engines

## anchor: the real @nangohq/frontend bundled for the browser, for the conformance suite only
## (a test dependency from npm, never shipped)
anchor: $(DIST)/anchor/frontend.js

$(DIST)/anchor/frontend.js: $(NODE_MODULES) | $(DIST)
	npx esbuild node_modules/@nangohq/frontend/dist/index.js --bundle --format=esm --log-level=warning --outfile=$@

## check-types: an app written against @nangohq/frontend's types compiles against the real
## package and against nango.d.ts; nango-wasm's additions compile too
check-types: node_modules
	npx tsc -p tools/types/tsconfig.anchor.json
	npx tsc -p tools/types/tsconfig.ours.json

## bench: sizes, start-up, click to popup, round trip, memory and server load, each against a
## baseline measured in the same run (the floor: bench/floor built with WASM_FLAGS against
## safejs as published; a syscall/js hello and an empty main; wasm_exec.js; the real
## @nangohq/frontend, minified; a bare net/http handler); prints one table and rewrites
## the make bench section of BENCH.md. Exits non-zero only when a figure could not be taken.
BENCH_BASELINES := $(DIST)/bench/floor.wasm $(DIST)/bench/floor.wasm.br $(DIST)/bench/floor.wasm.gz \
	$(DIST)/bench/floor-postlinked.wasm $(DIST)/bench/jshello.wasm $(DIST)/bench/emptymain.wasm \
	$(DIST)/bench/go-example-baseline.wasm.br $(DIST)/bench/go-example-baseline.wasm.gz
bench: build anchor chromium brotli $(BENCH_BASELINES) $(DIST)/bench/app/.ready
	npx esbuild $(DIST)/anchor/frontend.js --minify --format=esm --log-level=warning --outfile=$(DIST)/bench/frontend.min.js
	$(GO) run ./bench -dist $(DIST) -md BENCH.md -wasm-flags "$(WASM_FLAGS)"

# Section 8's app: the esbuild fixture app (make apps) on nango-wasm and on @nangohq/frontend,
# its scripts and wasm precompressed as the SDK is, as a CDN would send them.
$(DIST)/bench/app/.ready: $(DIST)/apps/esbuild/.built | brotli
	rm -rf $(@D) && mkdir -p $(@D)
	cp $(DIST)/apps/esbuild/out/* $(@D)/
	for f in $(@D)/*.js $(@D)/*.wasm; do brotli -q 11 -f -o $$f.br $$f && touch $$f.br && gzip -9 -n -c $$f > $$f.gz; done
	touch $@

# The floor is its own module, built against safejs v0.1.0 as published (not the patched copy),
# and not post-linked: the baseline of nango.wasm's size budget, as it was built before both.
# It is precompressed (by the %.br and %.gz rules) as nango.wasm is, for the start-up pages.
# floor-postlinked.wasm is the same floor through tools/wasmmerge, for comparison.
$(DIST)/linked/bench/floor.wasm: $(wildcard bench/floor/*.go) bench/floor/go.mod bench/floor/go.sum
	mkdir -p $(@D)
	cd bench/floor && GOOS=js GOARCH=wasm $(GO) build $(WASM_FLAGS) -o $(abspath $@) .

$(DIST)/bench/floor.wasm: $(DIST)/linked/bench/floor.wasm
	mkdir -p $(@D)
	cp $< $@

$(DIST)/bench/floor-postlinked.wasm: $(DIST)/linked/bench/floor.wasm $(WASMMERGE_SRC)
	$(GO) run ./tools/wasmmerge -o $@ $<

# The other size baselines (bench/jshello, bench/emptymain), post-linked as nango.wasm is.
$(DIST)/linked/bench/%.wasm: bench/%/main.go go.mod
	mkdir -p $(@D)
	GOOS=js GOARCH=wasm $(GO) build $(WASM_FLAGS) -o $@ ./bench/$*

# The Go app example with bench/gobaseline standing in for package nango, whose files the
# overlay removes: the example without the SDK, for the SDK's marginal cost to a Go app.

$(BASELINE_OVERLAY): $(NANGO_SRC) bench/gobaseline/nango.go
	mkdir -p $(DIST)/bench
	{ printf '{"Replace":{"%s":"%s"' '$(CURDIR)/wasm/nango/doc.go' '$(CURDIR)/bench/gobaseline/nango.go'; \
	  for f in $(filter-out wasm/nango/doc.go,$(NANGO_SRC)); do printf ',"%s":""' "$(CURDIR)/$$f"; done; \
	  echo '}}'; } > $@

$(DIST)/bench/go-example-baseline.wasm: $(WASM_SRC) $(BASELINE_OVERLAY)
	GOOS=js GOARCH=wasm $(GO) build $(WASM_FLAGS) -overlay $(BASELINE_OVERLAY) -o $@ ./wasm/nango/example

## golden: rerun the real @nangohq/frontend on the golden inputs
golden: node_modules
	node tools/anchor/golden.mjs wasm/auth/testdata/anchor_golden.json

# Fails when the committed goldens no longer match what the real anchor produces.
check-golden: node_modules
	node tools/anchor/golden.mjs $(DIST)/anchor_golden.json
	diff -u wasm/auth/testdata/anchor_golden.json $(DIST)/anchor_golden.json

deps: node_modules chromium firefox webkit brotli
	$(GO) mod download

node_modules: $(NODE_MODULES)
$(NODE_MODULES): package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

# $(call apt_install,command,packages): installs Debian's packages when the command is missing.
apt_install = @command -v $(1) >/dev/null 2>&1 || { \
	echo "installing Debian's $(2)"; \
	$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $(2); }

brotli:
	$(call apt_install,brotli,brotli)

chromium:
	$(call apt_install,chromium,chromium)

firefox:
	$(call apt_install,firefox-esr,firefox-esr)

# WebKitGTK's WebDriver starts MiniBrowser, which has no headless mode: it runs in Xvfb.
webkit:
	$(call apt_install,WebKitWebDriver,webkit2gtk-driver)
	$(call apt_install,Xvfb,xvfb)

clean:
	rm -rf $(DIST) $(EMBEDDED_SDK)
