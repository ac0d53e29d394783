# nango-dev in a container: the dev server as one static binary with the built SDK embedded,
# running as a non-root user. README.md, "nango-dev in Docker", says how to run it.
#
#   docker build -t nango-dev .
#   docker run --rm -p 3000:3000 -p 3003:3003 -p 3004:3004 -p 3009:3009 nango-dev

# Build: the SDK (wasm, glue, precompressed copies), then nango-dev with it embedded (make's
# dist/nango-dev: CGO_ENABLED=0, -trimpath).
FROM golang:1.26-bookworm AS build
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends brotli make \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN make dist/nango-dev

# Run: distroless's static image has CA certificates (for real OAuth endpoints and https
# webhooks) and a non-root user, and nothing else.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /src/dist/nango-dev /usr/local/bin/nango-dev
USER nonroot:nonroot
WORKDIR /home/nonroot
EXPOSE 3000 3003 3004 3009
# Every origin listens on all interfaces; the pages still name 127.0.0.1, so publish each port
# under the same number (-p 3003:3003). Flags given to docker run come after these and win.
ENTRYPOINT ["/usr/local/bin/nango-dev", "-app", ":3000", "-api", ":3003", "-provider", ":3004", "-connect", ":3009"]
