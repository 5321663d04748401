# Kuytun Freight Optimizer image: the service (`freight serve`) and the job worker
# (`freight worker`), with the Ray extra (the API offers `engine: "ray"` for fleet plans).
# Build: docker build -t kuytun-freight .
# Run:   docker run -p 8000:8000 -v freight-data:/app/var kuytun-freight
# With PostgreSQL, Redis and a separate worker: docker compose up (compose.yaml).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    FREIGHT_DATABASE_URL=sqlite:////app/var/freight.sqlite3

WORKDIR /app

# Locked, hash-checked dependencies first (their own layer: rebuilt only when the lock
# changes), then the project itself without dependencies (editable, because the network
# and demand data are read from the repository layout next to the package).
COPY requirements/lock.txt requirements/lock.txt
RUN pip install --upgrade pip && pip install --require-hashes -r requirements/lock.txt
COPY pyproject.toml README.md ./
COPY freight ./freight
COPY api ./api
COPY networks ./networks
COPY demand_data ./demand_data
RUN pip install --no-deps -e . \
    && useradd --create-home --uid 10001 freight \
    && mkdir -p /app/var && chown -R freight:freight /app/var

USER freight
EXPOSE 8000
VOLUME ["/app/var"]

HEALTHCHECK --interval=30s --timeout=5s --start-period=40s --retries=3 \
    CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/v1/health', timeout=4).status == 200 else 1)"

CMD ["freight", "serve", "--host", "0.0.0.0", "--port", "8000"]
