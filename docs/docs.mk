# docs: the documentation site and its checks.
#   make docs          build/docs/site: docs/, README.md and the API reference generated from
#                      pv-abi/, built by Debian's mkdocs (scripts/docs/site-src lays it out)
#   make docs-serve    serve it on DOCS_ADDR (default 127.0.0.1:8000); after editing docs/ or
#                      pv-abi/, `make docs` in another shell and the page reloads
#   make docs-check    the checks make check runs: links, reference vs pv-abi and vs the
#                      handlers' prototypes (check-hypercalls), the examples
#                      written in the docs build, and headless Chromium uses the site
#   make docs-xen      the from-zero kernel as dom0 of Debian's Xen 4.17 under QEMU, as the page
#                      tells a porter to run it (scripts/docs/skeleton-on-xen, one QEMU, ~15 s)
# The from-zero walk-through's kernel (docs/porting/from-zero.md) is extracted and built here
# and booted by the boot-test case "skeleton" (this hypervisor) and by docs-xen (Xen).
DOCS_OUT := $(B)/docs
DOCS_MD := $(sort $(shell find docs -name '*.md'))
DOCS_EX := $(DOCS_OUT)/examples
DOCS_SITE := $(DOCS_OUT)/site/index.html
DOCS_INPUTS := $(DOCS_MD) README.md mkdocs.yml $(wildcard pv-abi/*.h) $(wildcard scripts/docs/*) \
    $(wildcard */README.md */*/README.md)
DOCS_ADDR ?= 127.0.0.1:8000

$(DOCS_EX)/.stamp: $(DOCS_MD) scripts/docs/extract-examples
	@mkdir -p $(@D)
	scripts/docs/extract-examples $(DOCS_EX) $(DOCS_MD) > $(DOCS_EX)/dirs
	@touch $@

$(DOCS_EX)/skeleton/skeleton.elf: $(DOCS_EX)/.stamp $(wildcard pv-abi/*.h)
	cd $(DOCS_EX)/skeleton && HV=$(CURDIR) CC=$(CC) sh build.sh

ALL += $(DOCS_EX)/skeleton/skeleton.elf

$(DOCS_SITE): $(DOCS_INPUTS)
	scripts/docs/site-src $(DOCS_OUT)
	cd $(DOCS_OUT) && mkdocs build --quiet -f mkdocs.yml

.PHONY: docs docs-serve docs-check docs-links docs-ref docs-examples docs-site-test docs-xen
docs: deps
	@$(MAKE) --no-print-directory $(DOCS_SITE)

docs-serve: docs
	cd $(DOCS_OUT) && mkdocs serve -f mkdocs.yml -a $(DOCS_ADDR)

docs-links: $(DOCS_SITE)
	scripts/docs/check-links --self-test
	scripts/docs/check-links $(DOCS_OUT)/site

docs-ref:
	scripts/docs/check-ref --self-test
	scripts/docs/check-ref
	scripts/docs/check-hypercalls --self-test
	scripts/docs/check-hypercalls

docs-examples: $(DOCS_EX)/.stamp
	scripts/docs/build-examples $(DOCS_EX)

docs-site-test: $(DOCS_SITE)
	scripts/docs/site-test $(DOCS_OUT)/site

$(B)/xen/xen:
	scripts/fetch-xen

docs-xen: $(DOCS_EX)/skeleton/skeleton.elf $(B)/xen/xen
	scripts/docs/skeleton-on-xen $(DOCS_EX)/skeleton/skeleton.elf $(B)/xen/xen $(DOCS_OUT)/skeleton-on-xen.log

docs-check: docs-links docs-ref docs-examples docs-site-test docs-xen
CHECK += docs-links docs-ref docs-examples docs-site-test docs-xen
