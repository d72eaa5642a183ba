import { ListObjectsV2Command, S3Client } from "npm:@aws-sdk/client-s3@3";

// A large npm graph (the AWS SDK: some 25 packages, thousands of files) loaded from a
// cold cache by the request that boots the worker. Fetching, unpacking and compiling it is
// the runtime's work, not the function's: it must not count against the CPU limits.
const client = new S3Client({ region: "eu-west-1", credentials: { accessKeyId: "a", secretAccessKey: "b" } });
const command = new ListObjectsV2Command({ Bucket: "uploads" });

Deno.serve(() => Response.json({ client: client.constructor.name, command: command.constructor.name }));
