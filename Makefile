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
LDFLAGS := -s -w $(ENTRY) -X github.com/nstool/nstool/cmd/nstool/internal/root.Version=$(VERSION)
BIN     := bin/nstool
export CGO_ENABLED := 0

.PHONY: build test demo bench docs install lint fuzz clean

build:
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/nstool

# All tests, the root ones too; fails if the host's mount table changed.
test: build
	NSTOOL_BIN=$(CURDIR)/$(BIN) scripts/test.sh

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
