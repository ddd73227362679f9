# checkov:skip=CKV_DOCKER_2: health is probed by the platform (Knative readinessProbe on /healthz), not by Docker
# tagstrip container image for Knative Serving and Cloud Run: functions-framework under
# gunicorn, as a non-root user, on a read-only root file system.
# Build context: dist/container, made by `make package` (requirements.txt + app/):
#   make package && docker build -t tagstrip dist/container
# CPython 3.11, the version the function zip targets too; pin a digest in your registry.
FROM python:3.11-slim-bookworm AS deps
COPY requirements.txt /tmp/requirements.txt
# Dependencies go to a plain directory (no virtualenv to activate).
RUN pip install --no-cache-dir --no-compile --disable-pip-version-check \
        --target /opt/tagstrip -r /tmp/requirements.txt
# app/ is the content of functions/: main.py, the tagstrip package and bootstrap, plus the
# TLS roots as a hashed directory (tagstrip/runtime/cacerts, certifi's, hashed by make package):
# OpenSSL reads the one root a handshake needs instead of parsing certifi's whole bundle.
COPY app/ /opt/tagstrip/
# Bytecode compiled once, here, for this interpreter: a cold start then compiles nothing
# (about 0.6 s saved). Checked-hash .pyc files are reproducible and need no write at run time.
RUN python -m compileall -q --invalidation-mode checked-hash /opt/tagstrip

FROM python:3.11-slim-bookworm
# Nothing is written at run time: bytecode ships in the image, logs go to stdout,
# gunicorn's heartbeat files go to /dev/shm (a tmpfs, writable with readOnlyRootFilesystem).
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PORT=8080 \
    WORKER_TMP_DIR=/dev/shm \
    FUNCTION_TARGET=remove_tags_http \
    FUNCTION_SIGNATURE_TYPE=http
COPY --from=deps /opt/tagstrip /opt/tagstrip
# A numeric uid so Kubernetes can check runAsNonRoot without reading /etc/passwd.
USER 65532:65532
EXPOSE 8080
ENTRYPOINT ["/opt/tagstrip/bootstrap"]
