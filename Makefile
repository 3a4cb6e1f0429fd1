# svcreg — see README.md. `make demo` runs the main job, `make test` everything.
GO        ?= go
BIN       := bin/svcreg
KUBO      := .cache/bin/ipfs
KUBO_VER  := v0.43.1
FUZZTIME  ?= 20000x
GOFILES   := $(shell find . -name '*.go' -not -path './.cache/*' -not -path './tools/*')

.PHONY: build test deps fmt unit fuzz check demo bench kubo clean

build: $(BIN)

# Without cgo, svcreg is a static binary: no dynamic loader or C runtime
# to start, 1–2 ms off every command (docs/ARCHITECTURE.md). `go
# install` builds the same program with cgo where a C compiler is found.
# urfave_cli_no_docs leaves out urfave/cli's man-page and Markdown
# generator, which svcreg does not call, and with it blackfriday's init.
BUILDTAGS := urfave_cli_no_docs
$(BIN): $(GOFILES) go.mod go.sum
	CGO_ENABLED=0 $(GO) build -trimpath -tags $(BUILDTAGS) -o $(BIN) ./cmd/svcreg

# kubo, from the Go module proxy, for golden CIDs, interop tests and
# benchmarks. kubo's go.mod replaces go-libp2p with a fork the proxy does
# not serve; tools/kubo pins a go-libp2p that builds instead.
kubo: $(KUBO)

$(KUBO): tools/kubo/go.mod tools/kubo/go.sum
	cd tools/kubo && $(GO) build -o ../../$(KUBO) github.com/ipfs/kubo/cmd/ipfs
	$(KUBO) version | grep -q 0.43.1

# fmt fails on any file gofmt would change, and unit on any go vet finding,
# so neither can land.
test: fmt deps build kubo unit fuzz

fmt:
	@test -z "$$(gofmt -l $(GOFILES))" || { echo "gofmt -l: not formatted (run gofmt -w):" >&2; gofmt -l $(GOFILES) >&2; exit 1; }

# What the tests need from the system (Chromium): installed with apt-get
# as root, else one line saying what to install.
deps:
	@./.ci/deps test

# The library runs under the race detector, cmd/svcreg without it, both
# at once (.ci/unit says why). The tree is vetted for macOS as well, so
# that no Linux-only call breaks what go install builds there. Tests that run the program users get run
# $(BIN), built before them.
TESTENV := KUBO=$(abspath $(KUBO)) SVCREG_ARTIFACTS=$(CURDIR)/.cache/artifacts SVCREG_BIN=$(abspath $(BIN))
unit: build
	$(GO) vet ./...
	GOOS=darwin GOARCH=arm64 $(GO) vet ./... # macOS users go install it too
	./.ci/check-imports
	$(TESTENV) ./.ci/unit

# Runs every fuzz target briefly; `make fuzz FUZZTIME=200000x` for longer.
# The budget is a count of runs, not a duration: with a duration, Go 1.26's
# fuzz coordinator can report a spurious "context deadline exceeded"
# failure as the time runs out on a loaded machine (go.dev/issue/75804).
# .ci/fuzz builds each package's test binary once for all its targets.
fuzz:
	./.ci/fuzz $(FUZZTIME)

check: fmt
	$(MAKE) unit

# Build, make a registry in a temporary home, publish the example service,
# resolve it, serve it on a free loopback port and fetch a page through the
# server (tools/demo.sh). `make demo SERVE=1` keeps serving until Ctrl-C.
demo: build
	@./.ci/deps demo
	@./tools/demo.sh

# Ends with bench/speed.sh, whose table of svcreg/kubo, svcreg/dd and
# 1,000,000-release/empty registry ratios, measured interleaved in one run,
# is the last thing printed. Inputs and registry homes are cached under
# .cache/bench: the first run builds the homes (minutes each), later runs
# only measure. `make test` uses none of them.
bench: build kubo
	$(GO) test -run='^$$' -bench=. -benchmem ./...
	KUBO=$(abspath $(KUBO)) ./bench/resolve.sh
	KUBO=$(abspath $(KUBO)) ./bench/serve.sh
	KUBO=$(abspath $(KUBO)) ./bench/speed.sh

clean:
	rm -rf bin
