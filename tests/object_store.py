"""An S3-compatible object store for tests: moto's server mode on 127.0.0.1 (a real HTTP S3 API,
what MinIO speaks), with one bucket, and the settings that point the product's private storage at
it (``config.settings.base.private_storages``).

``s3_store`` (session scope, from ``tests.conftest``) starts the server once per test process;
``S3Store.env`` is the environment a worker process on "another machine" would have;
``S3Store.settings()`` the ``STORAGES`` override for this process; ``keys()`` lists the bucket.
"""

from __future__ import annotations

import socket
import uuid
from dataclasses import dataclass

from config.settings.base import private_storages


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class S3Store:
    endpoint: str
    bucket: str
    prefix: str

    @property
    def env(self) -> dict[str, str]:
        return {
            "S3_BUCKET": self.bucket,
            "S3_ENDPOINT_URL": self.endpoint,
            "S3_ACCESS_KEY_ID": "test-access",
            "S3_SECRET_ACCESS_KEY": "test-secret",
            "S3_REGION": "us-east-1",
            "S3_PREFIX": self.prefix,
        }

    def storages(self, current: dict) -> dict:
        """``current`` (settings.STORAGES) with the private backend on this store."""
        return {**current, "private": private_storages(self.env)}

    def client(self):
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            aws_access_key_id="test-access",
            aws_secret_access_key="test-secret",
            region_name="us-east-1",
        )

    def keys(self) -> list[str]:
        listing = self.client().list_objects_v2(Bucket=self.bucket, Prefix=self.prefix + "/")
        return sorted(item["Key"] for item in listing.get("Contents", []))


def start_s3_server():
    """Start moto's S3 server on a free port; returns (server, endpoint). Stop with ``server.stop()``."""
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    return server, f"http://127.0.0.1:{port}"


def new_store(endpoint: str) -> S3Store:
    """A fresh bucket (and prefix) on the server, so tests never see each other's objects."""
    store = S3Store(endpoint=endpoint, bucket=f"dsp-{uuid.uuid4().hex[:12]}", prefix="private")
    store.client().create_bucket(Bucket=store.bucket)
    return store
