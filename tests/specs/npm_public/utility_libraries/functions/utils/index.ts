// The utility packages functions pull in most: date-fns (ES modules, a locale subpath
// export), lodash (one CommonJS file) and lodash-es (ES modules).
import { addBusinessDays, differenceInCalendarDays, format, formatDistanceStrict, parseISO } from "npm:date-fns@4";
import { de } from "npm:date-fns@4/locale";
import _ from "npm:lodash@4";
import { chunk, groupBy } from "npm:lodash-es@4";

Deno.serve(async (req) => {
  const { date, items } = await req.json();
  const day = parseISO(date);
  return Response.json({
    dateFns: {
      formatted: format(day, "EEEE, d MMMM yyyy"),
      german: format(day, "EEEE, d. MMMM yyyy", { locale: de }),
      plus3BusinessDays: format(addBusinessDays(day, 3), "yyyy-MM-dd"),
      daysToNewYear: differenceInCalendarDays(parseISO("2027-01-01"), day),
      distance: formatDistanceStrict(day, parseISO("2026-12-25"), { unit: "day" }),
    },
    lodash: {
      major: _.VERSION.split(".")[0],
      sorted: _.sortBy(items, ["team", "name"]).map((i: { name: string }) => i.name),
      teams: Object.keys(_.groupBy(items, "team")),
      merged: _.merge({ a: { b: 1 } }, { a: { c: 2 } }),
      template: _.template("Hello <%= user %>!")({ user: "Ada" }),
      debounced: typeof _.debounce(() => {}, 10),
    },
    lodashEs: {
      chunks: chunk([1, 2, 3, 4, 5], 2),
      byTeam: Object.fromEntries(
        Object.entries(groupBy(items, "team")).map(([k, v]) => [k, (v as unknown[]).length]),
      ),
    },
  });
});
