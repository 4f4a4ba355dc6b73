"""Blob storage: the BlobStore port with GCS and local-folder adapters."""
