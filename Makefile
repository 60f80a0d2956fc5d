# tenantguard: `make test` is the whole suite, as CI runs it (.ci/run).
GO ?= go

.PHONY: test deps build vet fmt-check bench bench-squawk fuzz

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

## bench-squawk: lint time against squawk (npm squawk-cli) on the benchmark corpus
bench-squawk:
	scripts/bench-vs-squawk.sh

## fuzz: five minutes of fuzzing parse, replay, rules and reports
fuzz:
	$(GO) test ./lint/ddl -run '^$$' -fuzz '^FuzzLint$$' -fuzztime 5m -parallel 2
