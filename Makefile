# Proctor: `make run` starts the demo, `make test` runs the tests. Both
# install the system packages they need first (Debian/Ubuntu, see README).
GO       ?= go
BIN      ?= bin
export LANG := C.UTF-8
export LC_ALL := C.UTF-8

DEB_PACKAGES := pkg-config libavcodec-dev libavformat-dev libavutil-dev libswscale-dev libyuv-dev \
	libavfilter-dev libavdevice-dev libswresample-dev libgl1-mesa-dev xorg-dev libwayland-dev \
	libxkbcommon-dev wayland-protocols redis-server postgresql xvfb imagemagick ffmpeg fonts-dejavu-core \
	xauth dbus-x11

SHELL := /bin/bash
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# Fuzz budgets are counts of executions (a few seconds each here), scaled
# by FUZZSCALE: with a duration, Go 1.26's fuzz coordinator can fail a
# target with "context deadline exceeded" as the time runs out
# (golang/go#75804).
FUZZSCALE ?= 1

.PHONY: deps build server test fuzz bench run package clean

## deps: install the Debian/Ubuntu packages (skipped when all are present)
deps:
	@missing=$$(for p in $(DEB_PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing:" $$missing; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	else echo "system packages present"; fi
	$(GO) mod download

## build: the full binary (desktop app, server, sentinel, demo)
build:
	$(GO) build -o $(BIN)/proctor .

## server: a CGO-free server-only binary
server:
	CGO_ENABLED=0 $(GO) build -tags serveronly -o $(BIN)/proctor-server .

## test: vet (also of the player without libyuv), the server-only build, every test, and a short fuzz run
test: deps
	$(GO) vet ./...
	$(GO) vet -tags nolibyuv ./player
	CGO_ENABLED=0 $(GO) build -tags serveronly -o /dev/null .
	$(GO) test -count=1 -timeout 20m ./...
	$(MAKE) --no-print-directory fuzz

fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzDecode$$' -fuzztime $$(( 50000 * $(FUZZSCALE) ))x ./proto
	$(GO) test -run '^$$' -fuzz '^FuzzParseInit$$' -fuzztime $$(( 30000 * $(FUZZSCALE) ))x ./proto
	$(GO) test -run '^$$' -fuzz '^FuzzParseMedia$$' -fuzztime $$(( 30000 * $(FUZZSCALE) ))x ./proto
	$(GO) test -run '^$$' -fuzz '^FuzzDecodeMessage$$' -fuzztime $$(( 50000 * $(FUZZSCALE) ))x ./proto
	$(GO) test -run '^$$' -fuzz '^FuzzReassembler$$' -fuzztime $$(( 20000 * $(FUZZSCALE) ))x ./proto
	$(GO) test -run '^$$' -fuzz '^FuzzVerify$$' -fuzztime $$(( 20000 * $(FUZZSCALE) ))x ./server/auth
	$(GO) test -run '^$$' -fuzz '^FuzzVerifyStreamKey$$' -fuzztime $$(( 20000 * $(FUZZSCALE) ))x ./server/auth
	$(GO) test -run '^$$' -fuzz '^FuzzCopySegment$$' -fuzztime $$(( 10000 * $(FUZZSCALE) ))x ./server/httpapi
	$(GO) test -run '^$$' -fuzz '^FuzzDeliver$$' -fuzztime $$(( 20000 * $(FUZZSCALE) ))x ./client
	$(GO) test -run '^$$' -fuzz '^FuzzResponseError$$' -fuzztime $$(( 20000 * $(FUZZSCALE) ))x ./client
	$(GO) test -run '^$$' -fuzz '^FuzzLoad$$' -fuzztime $$(( 500 * $(FUZZSCALE) ))x ./server/store
	$(GO) test -run '^$$' -fuzz '^FuzzDecodeY$$' -fuzztime $$(( 100000 * $(FUZZSCALE) ))x ./sentinel/pattern
	$(GO) test -run '^$$' -fuzz '^FuzzRewrite$$' -fuzztime $$(( 100000 * $(FUZZSCALE) ))x ./sentinel/fragment

## bench: the benchmarks, printed as a table
bench: deps
	mkdir -p $(BIN)
	set -o pipefail; $(GO) test -run '^$$' -bench . -benchmem -count 1 -timeout 30m ./... | tee $(BIN)/bench.txt

## run: the demo: embedded server, 9 test Sentinels and the desktop app
run: deps build
	$(BIN)/proctor demo

## package: the desktop app packaged for Linux with fyne package
package: deps
	$(GO) run fyne.io/tools/cmd/fyne@v1.7.0 package -os linux -release

clean:
	rm -rf $(BIN)
