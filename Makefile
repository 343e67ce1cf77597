# nstool: `make demo` and `make test` are the quick start (README.md).
GO      ?= go
PREFIX  ?= /usr/local
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
# On linux/amd64, with the Go release the early start was verified on (go.mod's
# toolchain line), nstool's ELF entry point is its own (cmd/nstool/internal/early):
# `nstool unshare` then runs before the Go runtime starts, as fast as util-linux.
# The entry exists only where that package has its assembly file (its build
# constraint is the gate); with any other Go or platform -E is left out.
ENTRY   := $(if $(findstring entry_,$(shell $(GO) list -f '{{.SFiles}}' ./cmd/nstool/internal/early)),-E github.com/nstool/nstool/cmd/nstool/internal/early.entry)
LDFLAGS := -s -w $(ENTRY) -X github.com/nstool/nstool/cmd/nstool/internal/version.Version=$(VERSION)
BIN     := bin/nstool
# A plain `go build` (no -E, as `go install` makes it): the ordinary start only.
PLAIN   := bin/nstool-plain
PLAIN_LDFLAGS := -s -w -X github.com/nstool/nstool/cmd/nstool/internal/version.Version=$(VERSION)
# The packages whose tests run nstool unshare or nsenter as a process (the
# commands whose start depends on the build). mount's tests start only
# `nstool mount`, which runs the same code in both builds, and take longest.
PLAIN_PACKAGES := ./cmd/nstool/internal/unshare ./cmd/nstool/internal/nsenter ./cmd/nstool/internal/lab \
	./cmd/nstool/internal/ls ./cmd/nstool/internal/umount ./cmd/nstool/internal/findmnt ./labs
export CGO_ENABLED := 0

.PHONY: build build-plain test test-plain test-reach demo bench docs install lint fuzz clean

build:
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/nstool

build-plain:
	$(GO) build -trimpath -ldflags '$(PLAIN_LDFLAGS)' -o $(PLAIN) ./cmd/nstool

# All tests, the root ones too, with the Makefile build; then the behaviour
# tests of the commands nstool starts as a process with a plain build. Each
# run fails if the host's mount table changed.
test: build
	NSTOOL_BIN=$(CURDIR)/$(BIN) scripts/test.sh
	$(MAKE) --no-print-directory test-plain

# The same behaviour tests against a binary built without -E; the tests of
# the pre-runtime start ask the binary whether it has one and skip if not.
test-plain: build-plain
	NSTOOL_BIN=$(CURDIR)/$(PLAIN) TEST_PACKAGES='$(PLAIN_PACKAGES)' scripts/test.sh

# The whole generated suite of `nstool reach` against the kernel (make test
# runs 500 scenarios).
test-reach:
	NSTOOL_REACH_SCENARIOS=3000 $(GO) test -count=1 -run TestReachAgainstKernel -v ./nsutil/crossns

demo: build
	scripts/demo.sh $(BIN)

bench: build
	scripts/bench.sh $(BIN)

docs:
	$(GO) run ./scripts/gendocs docs

install: build
	install -D -m 0755 $(BIN) $(DESTDIR)$(PREFIX)/bin/nstool
	install -d $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 0644 docs/man/*.1 $(DESTDIR)$(PREFIX)/share/man/man1/

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt: $$out"; exit 1; fi
	$(GO) vet ./...

fuzz:
	$(GO) test ./nsutil/mountinfo -run '^$$' -fuzz FuzzParseMountinfoLine -fuzztime 30s

clean:
	rm -rf bin
