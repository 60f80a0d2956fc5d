# tenantguard: `make test` is the whole suite, as CI runs it (.ci/run).
GO ?= go

.PHONY: test deps build vet fmt-check bench

## test: install what the tests need (PostgreSQL server binaries), then run every test
test: deps
	$(GO) test ./...

## deps: install PostgreSQL server binaries and the SARIF validator (.tools/) if missing
deps:
	@scripts/ensure-postgres.sh
	@scripts/ensure-sarif-validator.sh

## build: build the binary into ./bin/tenantguard
build:
	$(GO) build -o bin/tenantguard ./cmd/tenantguard

## vet, fmt-check: the static checks CI runs too
vet:
	$(GO) vet ./...

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

## bench: the speed benchmarks (not part of the test suite)
bench:
	$(GO) test -run '^$$' -bench . -benchtime 3x ./lint/...
