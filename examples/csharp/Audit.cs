// Audit.cs: audit an estate, compute the optimal plan, and go from Azure exports to an az script,
// from C# through libahb, with the reusable binding in Ahb.cs (SafeHandles, UTF-8, exceptions).
//
// From the repository root (scripts/test-ffi builds and runs it so, against the staged install):
//
//   cargo build -p ahb-ffi
//   mcs -out:target/Audit.exe examples/csharp/Audit.cs examples/csharp/Ahb.cs
//   LD_LIBRARY_PATH=target/debug mono target/Audit.exe [FILE] [YYYY-MM-DD]
//
// Mono finds libahb.so through LD_LIBRARY_PATH (DllImport("ahb") probes libahb.so); .NET on
// Windows finds ahb.dll beside the program. The code keeps to C# 6 so Debian's mcs compiles it.

using System;
using System.IO;
using System.Text;
using Ahb;

namespace Ahb.Examples
{
    public static class Program
    {
        const string Data = "ahb-core/tests/data/";

        static int Main(string[] args)
        {
            string path = args.Length > 0 ? args[0] : "examples/data/sample-estate.json";
            string asOf = args.Length > 1 ? args[1] : "2026-11-25";
            try
            {
                Run(File.ReadAllBytes(path), asOf);
                Import(asOf);
                return ShowErrors() ? 0 : 1;
            }
            catch (AhbException e)
            {
                Console.Error.WriteLine("error: " + e.Message);
                return 1;
            }
        }

        static void Run(byte[] json, string asOf)
        {
            using (Estate estate = Estate.FromJson(json))
            using (RuleSet rules = RuleSet.ByVersion("2023-04"))
            using (Position position = Position.Audit(estate, rules, asOf))
            {
                Console.WriteLine("libahb {0} from C#, rule set {1} ({2}), as of {3}", Library.Version,
                                  position.RuleSetVersion, rules.Version, asOf);
                Console.WriteLine("compliant: {0}", position.Compliant ? "yes" : "no");
                Console.WriteLine("{0,-16} {1,10} {2,10} {3,10} {4,10}", "pool", "claimed", "covered", "short", "idle");
                foreach (PoolSummary p in position.Pools)
                {
                    Console.WriteLine("{0,-16} {1,10} {2,10} {3,10} {4,10}", Library.PoolName(p.Pool), p.Claimed,
                                      p.Covered, p.Shortfall, p.Idle);
                }
                Console.WriteLine("over-claimed: {0}, under-claimed: {1}", position.OverClaimedCount,
                                  position.UnderClaimedCount);
                Console.WriteLine("savings (exact decimals):");
                Console.WriteLine("  {0,-34} {1,12}", "claimed, per month", position.Total(PositionTotal.ClaimedMonthlySavings));
                Console.WriteLine("  {0,-34} {1,12}", "at risk, per month", position.Total(PositionTotal.AtRiskMonthlySavings));
                Console.WriteLine("  {0,-34} {1,12}", "unclaimed, per month", position.Total(PositionTotal.UnclaimedMonthlySavings));
                Console.WriteLine("  {0,-34} {1,12}", "unclaimed, per year", position.Total(PositionTotal.UnclaimedYearlySavings));
                string report = position.Text();
                Console.WriteLine("position JSON: {0} bytes", Encoding.UTF8.GetByteCount(position.Json()));
                Console.WriteLine();
                Console.Write(report);

                string options = "{\"as_of\": \"" + asOf + "\", \"objective\": \"max_savings\"}";
                using (Plan plan = Plan.Optimize(estate, rules, options))
                {
                    Console.WriteLine();
                    Console.WriteLine("optimal plan (max_savings): {0} changes, proven optimal: {1}", plan.ChangeCount,
                                      plan.ProvenOptimal ? "yes" : "no");
                    Console.WriteLine("  {0,-34} {1,12}", "plan savings, per month", plan.Amount(PlanAmount.MonthlySavings));
                    Console.WriteLine("  {0,-34} {1,12}", "today's covered, per month", plan.Amount(PlanAmount.TodayMonthlySavings));
                    Console.WriteLine("  {0,-34} {1,12}", "plan savings, per year", plan.Amount(PlanAmount.YearlySavings));
                    Console.WriteLine("  {0,-34} {1,12}", "gap to the upper bound", plan.Amount(PlanAmount.Gap));
                    Console.WriteLine("plan JSON: {0} bytes", Encoding.UTF8.GetByteCount(plan.Json()));
                }
                string timeline = estate.TimelineJson(rules, "{\"from\": \"" + asOf + "\", \"to\": \"2027-12-31\"}");
                Console.WriteLine("timeline to 2027-12-31: {0} bytes of JSON", Encoding.UTF8.GetByteCount(timeline));
            }
        }

        /// <summary>From Azure exports, a licence CSV and price pages to a plan and its az script.</summary>
        static void Import(string asOf)
        {
            using (var importer = new Importer("{\"strict\": false}"))
            {
                importer.AddCatalogue("constructed_vm_skus.json", File.ReadAllBytes(Data + "constructed_vm_skus.json"));
                foreach (string f in new[] { "constructed_az_vm_list.json", "constructed_arg_mixed.json",
                                             "constructed_powershell_get_azvm.json" })
                {
                    importer.AddInventory(f, File.ReadAllBytes(Data + f));
                }
                importer.AddLicencesCsv("constructed_licences.csv", File.ReadAllBytes(Data + "constructed_licences.csv"));
                foreach (string f in new[] { "retail_prices_page1.json", "retail_prices_page2.json" })
                {
                    importer.AddRetailPrices(f, File.ReadAllBytes(Data + f));
                }
                using (Estate estate = importer.Finish())
                using (RuleSet rules = RuleSet.Current())
                using (Position position = Position.Audit(estate, rules, asOf))
                using (Plan plan = Plan.Optimize(estate, rules, "{\"as_of\": \"" + asOf + "\"}"))
                {
                    Console.WriteLine();
                    Console.WriteLine("imported from Azure exports: report {0} bytes of JSON",
                                      Encoding.UTF8.GetByteCount(importer.ReportJson()));
                    for (int i = 0; i < position.OverClaimedCount; i++)
                    {
                        OverClaim o = position.OverClaimed(i);
                        Console.WriteLine("  over-claimed {0}: {1} units, {2} uncovered, {3} per month at risk",
                                          Library.PoolName(o.Pool), o.Units, o.Uncovered,
                                          o.MonthlySavings.HasValue ? o.MonthlySavings.Value.ToString() : "unpriced");
                    }
                    for (int i = 0; i < position.UnderClaimedCount; i++)
                    {
                        UnderClaim u = position.UnderClaimed(i);
                        Console.WriteLine("  under-claimed {0}: {1} units", Library.PoolName(u.Pool), u.Units);
                    }
                    AzScript script = plan.AzScript(estate);
                    int commands = 0;
                    foreach (string line in script.Apply.Split('\n'))
                    {
                        if (line.StartsWith("az ", StringComparison.Ordinal)) commands++;
                    }
                    Console.WriteLine("  plan: {0} changes; az script: {1} commands; patches: {2} bytes; plan CSV: {3} lines",
                                      plan.ChangeCount, commands, Encoding.UTF8.GetByteCount(plan.ArmPatchesJson(estate)),
                                      plan.Csv().Split('\n').Length - 1);
                    if (commands != plan.ChangeCount) throw new InvalidOperationException("one az command per change");
                }
            }
        }

        /// <summary>Errors arrive as AhbException with the C status; returns whether each was right.</summary>
        static bool ShowErrors()
        {
            const string empty = "{\"schema\": \"ahb.estate/1\", \"licences\": [], \"resources\": []}";
            bool ok = true;
            ok &= Expect(Status.Parse, () => Estate.FromJson("{\"schema\": \"ahb.est").Dispose());
            ok &= Expect(Status.InvalidUtf8, () => Estate.FromJson(new byte[] { 0x7b, 0xff, 0x7d }).Dispose());
            ok &= Expect(Status.InvalidOption, () => RuleSet.ByVersion("1999-01").Dispose());
            ok &= Expect(Status.InvalidOption, () => new Importer("{\"licences\": true}").Dispose());
            using (var importer = new Importer())
            {
                ok &= Expect(Status.Parse, () => importer.AddInventory("bad.json", Encoding.UTF8.GetBytes("[{")));
                ok &= Expect(Status.InvalidArgument, () => importer.Finish().Dispose());
            }
            using (Estate estate = Estate.FromJson(empty))
            using (RuleSet rules = RuleSet.ByVersion("current"))
            {
                ok &= Expect(Status.InvalidOption, () =>
                    Plan.Optimize(estate, rules, "{\"as_of\": \"2026-11-25\", \"pin\": [\"vm-x\"]}").Dispose());
                ok &= Expect(Status.InvalidArgument, () => Position.Audit(estate, rules, "25/11/2026").Dispose());
                using (Position position = Position.Audit(estate, rules, "2026-11-25"))
                {
                    ok &= Expect(Status.IndexOutOfRange, () => position.UnderClaimed(4));
                }
            }
            Console.WriteLine(ok ? "errors: every misuse gave its status" : "errors: MISMATCH");
            return ok;
        }

        static bool Expect(Status want, Action call)
        {
            try
            {
                call();
                Console.WriteLine("  expected {0}, but the call succeeded", want);
                return false;
            }
            catch (AhbException e)
            {
                Console.WriteLine("  {0}: {1}", e.Status == want ? "ok" : "WRONG", e.Message);
                return e.Status == want;
            }
        }
    }
}
