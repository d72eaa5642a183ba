import {
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from "npm:@aws-sdk/client-s3@3";

// The AWS SDK for JavaScript v3 against an S3-compatible endpoint (MinIO, R2, a local
// stand-in), path-style, as functions talk to object storage. `secret` lets the case send
// one request signed with the wrong key.
function client(secretAccessKey: string) {
  return new S3Client({
    region: "eu-west-1",
    endpoint: Deno.env.get("S3_ENDPOINT"),
    forcePathStyle: true,
    credentials: { accessKeyId: Deno.env.get("S3_ACCESS_KEY_ID")!, secretAccessKey },
    maxAttempts: 1,
  });
}

Deno.serve(async (req) => {
  const { action, key, text, secret } = await req.json();
  const s3 = client(secret ?? Deno.env.get("S3_SECRET_ACCESS_KEY")!);
  try {
    if (action === "put") {
      const put = await s3.send(new PutObjectCommand({
        Bucket: "uploads",
        Key: key,
        Body: text,
        ContentType: "text/plain",
        Metadata: { origin: "sbfn" },
      }));
      return Response.json({ etag: put.ETag, status: put.$metadata.httpStatusCode });
    }
    if (action === "get") {
      const got = await s3.send(new GetObjectCommand({ Bucket: "uploads", Key: key }));
      return Response.json({
        text: await got.Body!.transformToString(),
        contentType: got.ContentType,
        length: got.ContentLength,
      });
    }
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: "uploads", Prefix: "notes/" }));
    return Response.json({ keys: listed.Contents?.map((o) => o.Key), count: listed.KeyCount });
  } catch (error) {
    const e = error as S3ServiceException;
    return Response.json({
      name: e.name,
      isServiceError: error instanceof S3ServiceException,
      status: e.$metadata?.httpStatusCode,
    }, { status: 502 });
  }
});
