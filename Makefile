.PHONY: run test stack lock
run:
	python3 dev.py run
test:
	python3 dev.py test
stack:
	python3 dev.py stack
lock:
	python3 dev.py lock
