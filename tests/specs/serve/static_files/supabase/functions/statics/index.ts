// Files listed in config.toml's static_files are readable besides the function's own
// folder; other files next to them are not.
Deno.serve(async (req) => {
  const what = new URL(req.url).searchParams.get("file") ?? "greeting.json";
  try {
    const text = await Deno.readTextFile(new URL(`../_data/${what}`, import.meta.url));
    return new Response(text);
  } catch (error) {
    // PermissionDenied; NotFound when the case itself lies below /tmp (then the path is
    // the worker's private /tmp): refused either way.
    const name = (error as Error).name;
    return new Response(name === "PermissionDenied" || name === "NotFound" ? "refused" : name, {
      status: 403,
    });
  }
});
