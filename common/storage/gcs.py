"""Google Cloud Storage adapter (google-cloud-storage)."""

from __future__ import annotations

import contextlib
from typing import BinaryIO

from common.storage.port import BlobInfo, UploadForm


class GcsStore:
    """One bucket; the client is built lazily on first use, never at import."""

    def __init__(self, bucket_name: str, project: str | None = None) -> None:
        self.bucket_name = bucket_name
        self.project = project
        self._bucket = None

    @property
    def bucket(self):
        """The google-cloud-storage Bucket handle."""
        if self._bucket is None:
            from google.cloud import storage

            self._bucket = storage.Client(project=self.project).bucket(self.bucket_name)
        return self._bucket

    def open_read(self, name: str) -> BinaryIO:
        """A seekable streaming reader (8 MiB chunks); FileNotFoundError when missing."""
        from google.api_core.exceptions import NotFound

        blob = self.bucket.blob(name)
        try:
            blob.reload()
        except NotFound:
            raise FileNotFoundError(name) from None
        return blob.open("rb", chunk_size=8 << 20)

    def write(self, name: str, source: BinaryIO | bytes) -> BlobInfo:
        """Upload bytes or stream a file object (resumable for large files)."""
        blob = self.bucket.blob(name)
        if isinstance(source, bytes | bytearray):
            blob.upload_from_string(bytes(source))
        else:
            blob.upload_from_file(source)
        return self.info(name)

    def info(self, name: str) -> BlobInfo:
        """Size and generation from the object's metadata."""
        blob = self.bucket.get_blob(name)
        if blob is None:
            raise FileNotFoundError(name)
        return BlobInfo(name=name, size=blob.size or 0, generation=str(blob.generation))

    def move(self, name: str, new_name: str) -> BlobInfo:
        """Copy then delete (GCS has no rename across prefixes in every client)."""
        blob = self.bucket.blob(name)
        self.bucket.copy_blob(blob, self.bucket, new_name)
        blob.delete()
        return self.info(new_name)

    def list(self, prefix: str = "") -> list[BlobInfo]:
        """Objects under a prefix, sorted by name."""
        blobs = self.bucket.client.list_blobs(self.bucket_name, prefix=prefix or None)
        return sorted(
            (BlobInfo(b.name, b.size or 0, str(b.generation)) for b in blobs),
            key=lambda b: b.name,
        )

    def delete(self, name: str) -> None:
        """Delete if present."""
        from google.api_core.exceptions import NotFound

        with contextlib.suppress(NotFound):
            self.bucket.blob(name).delete()

    def upload_form(
        self, name: str, redirect_url: str, max_bytes: int, expires_seconds: int
    ) -> UploadForm | None:
        """A V4 signed POST policy for `name` (size-capped), signed through the IAM
        signBlob API with the runtime service account: Cloud Run credentials hold no private
        key, and the file never passes through the function (whose requests are capped)."""
        from datetime import timedelta

        from google.auth.transport.requests import Request

        client = self.bucket.client
        credentials = client._credentials
        if not credentials.valid:
            credentials.refresh(Request())
        policy = client.generate_signed_post_policy_v4(
            self.bucket_name,
            name,
            expiration=timedelta(seconds=expires_seconds),
            conditions=[["content-length-range", 1, max_bytes]],
            fields={"success_action_redirect": redirect_url},
            service_account_email=getattr(credentials, "service_account_email", None),
            access_token=credentials.token,
        )
        return UploadForm(policy["url"], dict(policy["fields"]))
