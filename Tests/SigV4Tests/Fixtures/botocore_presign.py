#!/usr/bin/env python3
"""botocore's pre-signed S3 URLs for a batch of cases, as an independent SigV4 implementation.

Reads {"cases": [...]} as JSON on stdin, writes {"urls": [...]} (same order) on stdout. Each case:
  bucket, region, endpoint (null for AWS), addressing ("virtual" | "path"), operation
  ("put_object" | "get_object" | "upload_part"), key, params (botocore API parameters such as
  ContentType, ContentLength, ChecksumSHA256, IfNoneMatch, Metadata, PartNumber, UploadId),
  expires, access_key, secret, token (or null), timestamp (Unix seconds: botocore's clock is frozen
  there).
Driven by Tests/SigV4Tests/BotocoreCrossCheckTests.swift; needs python3 and botocore
(scripts/setup/30-sigv4.sh installs it).
"""
import datetime
import json
import sys

import botocore.auth
import botocore.session
from botocore.config import Config

frozen = [datetime.datetime(2000, 1, 1)]
# botocore reads the signing time through this one function (botocore/compat.py).
botocore.auth.get_current_datetime = lambda remove_tzinfo=True: frozen[0]

ORDER = ["ContentType", "ContentLength", "ChecksumSHA256", "IfNoneMatch", "Metadata", "PartNumber", "UploadId"]
session = botocore.session.get_session()
clients = {}


def client(case):
    ident = (case["region"], case["endpoint"], case["addressing"], case["access_key"], case["secret"], case["token"])
    if ident not in clients:
        config = Config(
            signature_version="s3v4",
            s3={"addressing_style": case["addressing"], "us_east_1_regional_endpoint": "regional"},
            # Pre-signed URLs carry no checksum unless asked: keep botocore's default-on checksums out.
            request_checksum_calculation="when_required",
        )
        clients[ident] = session.create_client(
            "s3", region_name=case["region"], endpoint_url=case["endpoint"],
            aws_access_key_id=case["access_key"], aws_secret_access_key=case["secret"],
            aws_session_token=case["token"], config=config)
    return clients[ident]


def main():
    cases = json.load(sys.stdin)["cases"]
    urls = []
    for case in cases:
        frozen[0] = datetime.datetime.fromtimestamp(case["timestamp"], datetime.timezone.utc).replace(tzinfo=None)
        # botocore writes query parameters in the order it is given them: keep the Swift side's order.
        given = case["params"]
        params = {name: given[name] for name in ORDER if name in given}
        params.update(Bucket=case["bucket"], Key=case["key"])
        urls.append(client(case).generate_presigned_url(case["operation"], Params=params, ExpiresIn=case["expires"]))
    json.dump({"urls": urls}, sys.stdout)


if __name__ == "__main__":
    main()
