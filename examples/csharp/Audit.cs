// Audit.cs: audit an estate and compute the optimal plan from C# through libahb (P/Invoke, one
// SafeHandle per opaque type).
//
// From the repository root (scripts/test-ffi builds and runs it exactly so):
//
//   cargo build -p ahb-ffi
//   mcs -out:target/Audit.exe examples/csharp/Audit.cs
//   LD_LIBRARY_PATH=target/debug mono target/Audit.exe [FILE] [YYYY-MM-DD]
//
// Mono finds libahb.so through LD_LIBRARY_PATH (DllImport("ahb") probes libahb.so). The code
// keeps to C# 6 so Debian's mcs compiles it; .NET 6+ compiles it unchanged.
//
// Conventions of the C ABI, as seen from here: every call returns a uint status (0 = OK) and is
// checked by Ahb.Check, which throws AhbException carrying the status and the thread's last
// error message; text goes in as UTF-8 byte[] + length; out handles arrive as SafeHandles that
// free themselves exactly once (Dispose or the finalizer); a failed call leaves them invalid.

using System;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Ahb.Examples
{
    /// <summary>The stable status values of include/ahb.h.</summary>
    public enum AhbStatus : uint
    {
        Ok = 0,
        Parse = 1,
        InvalidValue = 2,
        MissingField = 3,
        UnknownVariant = 4,
        DuplicateId = 5,
        UnknownReference = 6,
        UnsupportedSchema = 7,
        Io = 8,
        InvalidOption = 9,
        NullArgument = 1000,
        InvalidUtf8 = 1001,
        LengthTooLarge = 1002,
        BufferTooSmall = 1003,
        InvalidArgument = 1004,
        IndexOutOfRange = 1005,
        Panic = 1006,
    }

    /// <summary>A failed ahb call: its status and the detailed message.</summary>
    public sealed class AhbException : Exception
    {
        public readonly AhbStatus Status;

        public AhbException(AhbStatus status, string message) : base(message)
        {
            Status = status;
        }
    }

    public sealed class EstateHandle : SafeHandleZeroOrMinusOneIsInvalid
    {
        public EstateHandle() : base(true) { }
        protected override bool ReleaseHandle() { Native.ahb_estate_free(handle); return true; }
    }

    public sealed class RuleSetHandle : SafeHandleZeroOrMinusOneIsInvalid
    {
        public RuleSetHandle() : base(true) { }
        protected override bool ReleaseHandle() { Native.ahb_rule_set_free(handle); return true; }
    }

    public sealed class PositionHandle : SafeHandleZeroOrMinusOneIsInvalid
    {
        public PositionHandle() : base(true) { }
        protected override bool ReleaseHandle() { Native.ahb_position_free(handle); return true; }
    }

    public sealed class PlanHandle : SafeHandleZeroOrMinusOneIsInvalid
    {
        public PlanHandle() : base(true) { }
        protected override bool ReleaseHandle() { Native.ahb_plan_free(handle); return true; }
    }

    public sealed class BytesHandle : SafeHandleZeroOrMinusOneIsInvalid
    {
        public BytesHandle() : base(true) { }
        protected override bool ReleaseHandle() { Native.ahb_bytes_free(handle); return true; }
    }

    /// <summary>The C functions, declared as include/ahb.h declares them.</summary>
    internal static class Native
    {
        const string Lib = "ahb";
        const CallingConvention C = CallingConvention.Cdecl;

        [DllImport(Lib, CallingConvention = C)] internal static extern IntPtr ahb_version();
        [DllImport(Lib, CallingConvention = C)] internal static extern IntPtr ahb_status_message(uint status);
        [DllImport(Lib, CallingConvention = C)] internal static extern UIntPtr ahb_last_error_length();
        [DllImport(Lib, CallingConvention = C)]
        internal static extern uint ahb_last_error_message(byte[] buf, UIntPtr cap, out UIntPtr len);

        [DllImport(Lib, CallingConvention = C)] internal static extern IntPtr ahb_bytes_data(BytesHandle bytes);
        [DllImport(Lib, CallingConvention = C)] internal static extern UIntPtr ahb_bytes_len(BytesHandle bytes);
        [DllImport(Lib, CallingConvention = C)] internal static extern void ahb_bytes_free(IntPtr bytes);

        [DllImport(Lib, CallingConvention = C)]
        internal static extern uint ahb_estate_from_json(byte[] json, UIntPtr len, out EstateHandle estate);
        [DllImport(Lib, CallingConvention = C)] internal static extern void ahb_estate_free(IntPtr estate);

        [DllImport(Lib, CallingConvention = C)]
        internal static extern uint ahb_rule_set_by_version(byte[] version, UIntPtr len, out RuleSetHandle ruleSet);
        [DllImport(Lib, CallingConvention = C)] internal static extern IntPtr ahb_rule_set_version(RuleSetHandle ruleSet);
        [DllImport(Lib, CallingConvention = C)] internal static extern void ahb_rule_set_free(IntPtr ruleSet);

        [DllImport(Lib, CallingConvention = C)]
        internal static extern uint ahb_audit(EstateHandle estate, RuleSetHandle ruleSet, byte[] asOf, UIntPtr asOfLen,
                                              out PositionHandle position);
        [DllImport(Lib, CallingConvention = C)] internal static extern void ahb_position_free(IntPtr position);
        [DllImport(Lib, CallingConvention = C)]
        internal static extern uint ahb_position_json(PositionHandle position, out BytesHandle json);
        [DllImport(Lib, CallingConvention = C)]
        internal static extern uint ahb_position_text(PositionHandle position, out BytesHandle text);
        [DllImport(Lib, CallingConvention = C)]
        internal static extern uint ahb_position_compliant(PositionHandle position, out byte compliant);
        [DllImport(Lib, CallingConvention = C)]
        internal static extern uint ahb_position_rule_set_version(PositionHandle position, out IntPtr version);
        [DllImport(Lib, CallingConvention = C)]
        internal static extern uint ahb_position_pool_count(PositionHandle position, out UIntPtr count);
        [DllImport(Lib, CallingConvention = C)]
        internal static extern uint ahb_position_pool_kind(PositionHandle position, UIntPtr index, out uint kind);
        [DllImport(Lib, CallingConvention = C)]
        internal static extern uint ahb_position_pool_claimed(PositionHandle position, UIntPtr index, out ulong units);
        [DllImport(Lib, CallingConvention = C)]
        internal static extern uint ahb_position_pool_covered(PositionHandle position, UIntPtr index, out ulong units);
        [DllImport(Lib, CallingConvention = C)]
        internal static extern uint ahb_position_pool_shortfall(PositionHandle position, UIntPtr index, out ulong units);
        [DllImport(Lib, CallingConvention = C)]
        internal static extern uint ahb_position_pool_idle(PositionHandle position, UIntPtr index, out ulong units);
        [DllImport(Lib, CallingConvention = C)]
        internal static extern uint ahb_position_over_claimed_count(PositionHandle position, out UIntPtr count);
        [DllImport(Lib, CallingConvention = C)]
        internal static extern uint ahb_position_under_claimed_count(PositionHandle position, out UIntPtr count);
        [DllImport(Lib, CallingConvention = C)]
        internal static extern uint ahb_position_total(PositionHandle position, uint which, byte[] buf, UIntPtr cap,
                                                       out UIntPtr len);
        [DllImport(Lib, CallingConvention = C)] internal static extern IntPtr ahb_pool_name(uint kind);

        [DllImport(Lib, CallingConvention = C)]
        internal static extern uint ahb_optimize(EstateHandle estate, RuleSetHandle ruleSet, byte[] optionsJson,
                                                 UIntPtr len, out PlanHandle plan);
        [DllImport(Lib, CallingConvention = C)] internal static extern void ahb_plan_free(IntPtr plan);
        [DllImport(Lib, CallingConvention = C)]
        internal static extern uint ahb_timeline(EstateHandle estate, RuleSetHandle ruleSet, byte[] optionsJson,
                                                 UIntPtr len, out BytesHandle json);
        [DllImport(Lib, CallingConvention = C)]
        internal static extern uint ahb_plan_json(PlanHandle plan, out BytesHandle json);
        [DllImport(Lib, CallingConvention = C)]
        internal static extern uint ahb_plan_text(PlanHandle plan, out BytesHandle text);
        [DllImport(Lib, CallingConvention = C)]
        internal static extern uint ahb_plan_proven_optimal(PlanHandle plan, out byte proven);
        [DllImport(Lib, CallingConvention = C)]
        internal static extern uint ahb_plan_change_count(PlanHandle plan, out UIntPtr count);
        [DllImport(Lib, CallingConvention = C)]
        internal static extern uint ahb_plan_total(PlanHandle plan, uint which, byte[] buf, UIntPtr cap, out UIntPtr len);
    }

    /// <summary>Helpers over the raw calls: status checks, UTF-8 in, strings out.</summary>
    public static class Ahb
    {
        public const uint TotalClaimedMonthlySavings = 0;
        public const uint TotalAtRiskMonthlySavings = 1;
        public const uint TotalUnclaimedMonthlySavings = 2;
        public const uint TotalUnclaimedYearlySavings = 3;
        public const uint PlanHourlySavings = 0;
        public const uint PlanMonthlySavings = 1;
        public const uint PlanYearlySavings = 2;
        public const uint PlanTodayMonthlySavings = 3;
        public const uint PlanUpperBound = 4;
        public const uint PlanGap = 5;
        const int DecimalCapacity = 64; // AHB_DECIMAL_CAPACITY

        public static string Version { get { return Marshal.PtrToStringAnsi(Native.ahb_version()); } }

        /// <summary>Throws AhbException for a non-OK status, with the thread's last error.</summary>
        public static void Check(uint status, string call)
        {
            if (status == 0) return;
            string fixedText = Marshal.PtrToStringAnsi(Native.ahb_status_message(status));
            throw new AhbException((AhbStatus)status,
                string.Format("{0}: {1} ({2}): {3}", call, (AhbStatus)status, fixedText, LastError()));
        }

        /// <summary>The calling thread's last error message, by the two-call pattern.</summary>
        public static string LastError()
        {
            byte[] buf = new byte[(long)Native.ahb_last_error_length().ToUInt64() + 1];
            UIntPtr len;
            if (Native.ahb_last_error_message(buf, new UIntPtr((ulong)buf.Length), out len) != 0) return "?";
            return Encoding.UTF8.GetString(buf, 0, (int)len.ToUInt64());
        }

        static byte[] Utf8(string s) { return Encoding.UTF8.GetBytes(s); }
        static UIntPtr Len(byte[] b) { return new UIntPtr((ulong)b.Length); }

        public static EstateHandle EstateFromJson(byte[] json)
        {
            EstateHandle estate;
            Check(Native.ahb_estate_from_json(json, Len(json), out estate), "ahb_estate_from_json");
            return estate;
        }

        public static RuleSetHandle RuleSet(string version)
        {
            byte[] v = Utf8(version);
            RuleSetHandle rules;
            Check(Native.ahb_rule_set_by_version(v, Len(v), out rules), "ahb_rule_set_by_version");
            return rules;
        }

        public static PositionHandle Audit(EstateHandle estate, RuleSetHandle rules, string asOf)
        {
            byte[] date = Utf8(asOf);
            PositionHandle position;
            Check(Native.ahb_audit(estate, rules, date, Len(date), out position), "ahb_audit");
            return position;
        }

        /// <summary>The optimal plan; options are ahb's OptimizeOptions as JSON.</summary>
        public static PlanHandle Optimize(EstateHandle estate, RuleSetHandle rules, string optionsJson)
        {
            byte[] options = Utf8(optionsJson);
            PlanHandle plan;
            Check(Native.ahb_optimize(estate, rules, options, Len(options), out plan), "ahb_optimize");
            return plan;
        }

        /// <summary>The position at every date where supply changes, as JSON (ahb.timeline/1).</summary>
        public static string Timeline(EstateHandle estate, RuleSetHandle rules, string from, string to)
        {
            byte[] options = Utf8("{\"from\": \"" + from + "\", \"to\": \"" + to + "\"}");
            BytesHandle b;
            Check(Native.ahb_timeline(estate, rules, options, Len(options), out b), "ahb_timeline");
            return TakeText(b);
        }

        /// <summary>Copies an ahb_bytes result into a string and frees it.</summary>
        static string TakeText(BytesHandle bytes)
        {
            using (bytes)
            {
                int len = checked((int)Native.ahb_bytes_len(bytes).ToUInt64());
                byte[] copy = new byte[len];
                Marshal.Copy(Native.ahb_bytes_data(bytes), copy, 0, len);
                return Encoding.UTF8.GetString(copy);
            }
        }

        public static string Json(PositionHandle position)
        {
            BytesHandle b;
            Check(Native.ahb_position_json(position, out b), "ahb_position_json");
            return TakeText(b);
        }

        public static string Text(PositionHandle position)
        {
            BytesHandle b;
            Check(Native.ahb_position_text(position, out b), "ahb_position_text");
            return TakeText(b);
        }

        public static string Json(PlanHandle plan)
        {
            BytesHandle b;
            Check(Native.ahb_plan_json(plan, out b), "ahb_plan_json");
            return TakeText(b);
        }

        /// <summary>An exact money total, as decimal (28 significant digits, like rust_decimal).</summary>
        public static decimal Total(PositionHandle position, uint which)
        {
            byte[] buf = new byte[DecimalCapacity];
            UIntPtr len;
            Check(Native.ahb_position_total(position, which, buf, Len(buf), out len), "ahb_position_total");
            return ParseDecimal(buf, len);
        }

        /// <summary>An exact amount of a plan (AHB_PLAN_* selectors).</summary>
        public static decimal Total(PlanHandle plan, uint which)
        {
            byte[] buf = new byte[DecimalCapacity];
            UIntPtr len;
            Check(Native.ahb_plan_total(plan, which, buf, Len(buf), out len), "ahb_plan_total");
            return ParseDecimal(buf, len);
        }

        static decimal ParseDecimal(byte[] buf, UIntPtr len)
        {
            return decimal.Parse(Encoding.ASCII.GetString(buf, 0, (int)len.ToUInt64()),
                                 System.Globalization.CultureInfo.InvariantCulture);
        }
    }

    public static class Program
    {
        static int Main(string[] args)
        {
            string path = args.Length > 0 ? args[0] : "examples/data/sample-estate.json";
            string asOf = args.Length > 1 ? args[1] : "2026-11-25";
            try
            {
                Run(File.ReadAllBytes(path), asOf);
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
            using (EstateHandle estate = Ahb.EstateFromJson(json))
            using (RuleSetHandle rules = Ahb.RuleSet("2023-04"))
            using (PositionHandle position = Ahb.Audit(estate, rules, asOf))
            {
                byte compliant;
                UIntPtr pools, over, under;
                IntPtr version;
                Ahb.Check(Native.ahb_position_compliant(position, out compliant), "ahb_position_compliant");
                Ahb.Check(Native.ahb_position_pool_count(position, out pools), "ahb_position_pool_count");
                Ahb.Check(Native.ahb_position_over_claimed_count(position, out over), "over_claimed_count");
                Ahb.Check(Native.ahb_position_under_claimed_count(position, out under), "under_claimed_count");
                Ahb.Check(Native.ahb_position_rule_set_version(position, out version), "rule_set_version");

                Console.WriteLine("libahb {0} from C#, rule set {1} ({2}), as of {3}", Ahb.Version,
                                  Marshal.PtrToStringAnsi(version),
                                  Marshal.PtrToStringAnsi(Native.ahb_rule_set_version(rules)), asOf);
                Console.WriteLine("compliant: {0}", compliant != 0 ? "yes" : "no");
                Console.WriteLine("{0,-16} {1,10} {2,10} {3,10} {4,10}", "pool", "claimed", "covered", "short", "idle");
                for (ulong i = 0; i < pools.ToUInt64(); i++)
                {
                    UIntPtr ix = new UIntPtr(i);
                    uint kind;
                    ulong claimed, covered, shortfall, idle;
                    Ahb.Check(Native.ahb_position_pool_kind(position, ix, out kind), "pool_kind");
                    Ahb.Check(Native.ahb_position_pool_claimed(position, ix, out claimed), "pool_claimed");
                    Ahb.Check(Native.ahb_position_pool_covered(position, ix, out covered), "pool_covered");
                    Ahb.Check(Native.ahb_position_pool_shortfall(position, ix, out shortfall), "pool_shortfall");
                    Ahb.Check(Native.ahb_position_pool_idle(position, ix, out idle), "pool_idle");
                    Console.WriteLine("{0,-16} {1,10} {2,10} {3,10} {4,10}",
                                      Marshal.PtrToStringAnsi(Native.ahb_pool_name(kind)), claimed, covered, shortfall, idle);
                }
                Console.WriteLine("over-claimed: {0}, under-claimed: {1}", over, under);
                Console.WriteLine("savings (exact decimals):");
                Console.WriteLine("  {0,-34} {1,12}", "claimed, per month", Ahb.Total(position, Ahb.TotalClaimedMonthlySavings));
                Console.WriteLine("  {0,-34} {1,12}", "at risk, per month", Ahb.Total(position, Ahb.TotalAtRiskMonthlySavings));
                Console.WriteLine("  {0,-34} {1,12}", "unclaimed, per month", Ahb.Total(position, Ahb.TotalUnclaimedMonthlySavings));
                Console.WriteLine("  {0,-34} {1,12}", "unclaimed, per year", Ahb.Total(position, Ahb.TotalUnclaimedYearlySavings));
                string report = Ahb.Text(position);
                string positionJson = Ahb.Json(position);
                Console.WriteLine("position JSON: {0} bytes", Encoding.UTF8.GetByteCount(positionJson));
                Console.WriteLine();
                Console.Write(report);

                string options = "{\"as_of\": \"" + asOf + "\", \"objective\": \"max_savings\"}";
                using (PlanHandle plan = Ahb.Optimize(estate, rules, options))
                {
                    byte proven;
                    UIntPtr changes;
                    Ahb.Check(Native.ahb_plan_proven_optimal(plan, out proven), "ahb_plan_proven_optimal");
                    Ahb.Check(Native.ahb_plan_change_count(plan, out changes), "ahb_plan_change_count");
                    Console.WriteLine();
                    Console.WriteLine("optimal plan (max_savings): {0} changes, proven optimal: {1}", changes,
                                      proven != 0 ? "yes" : "no");
                    Console.WriteLine("  {0,-34} {1,12}", "plan savings, per month", Ahb.Total(plan, Ahb.PlanMonthlySavings));
                    Console.WriteLine("  {0,-34} {1,12}", "today's covered, per month", Ahb.Total(plan, Ahb.PlanTodayMonthlySavings));
                    Console.WriteLine("  {0,-34} {1,12}", "plan savings, per year", Ahb.Total(plan, Ahb.PlanYearlySavings));
                    Console.WriteLine("  {0,-34} {1,12}", "gap to the upper bound", Ahb.Total(plan, Ahb.PlanGap));
                    Console.WriteLine("plan JSON: {0} bytes", Encoding.UTF8.GetByteCount(Ahb.Json(plan)));
                }
                string timeline = Ahb.Timeline(estate, rules, asOf, "2027-12-31");
                Console.WriteLine("timeline to 2027-12-31: {0} bytes of JSON", Encoding.UTF8.GetByteCount(timeline));
            }
        }

        /// <summary>Errors arrive as AhbException with the C status; returns whether each was right.</summary>
        static bool ShowErrors()
        {
            bool ok = true;
            ok &= Expect(AhbStatus.Parse, () => Ahb.EstateFromJson(Encoding.UTF8.GetBytes("{\"schema\": \"ahb.est")).Dispose());
            ok &= Expect(AhbStatus.InvalidUtf8, () => Ahb.EstateFromJson(new byte[] { 0x7b, 0xff, 0x7d }).Dispose());
            ok &= Expect(AhbStatus.InvalidOption, () => Ahb.RuleSet("1999-01").Dispose());
            using (EstateHandle sample = Ahb.EstateFromJson(Encoding.UTF8.GetBytes(
                "{\"schema\": \"ahb.estate/1\", \"licences\": [], \"resources\": []}")))
            using (RuleSetHandle current = Ahb.RuleSet("2023-04"))
            {
                ok &= Expect(AhbStatus.InvalidOption, () => Ahb.Optimize(sample, current, "{\"as_of\": \"2026-11-25\", \"pin\": [\"vm-x\"]}").Dispose());
            }
            using (EstateHandle estate = Ahb.EstateFromJson(Encoding.UTF8.GetBytes(
                "{\"schema\": \"ahb.estate/1\", \"licences\": [], \"resources\": []}")))
            using (RuleSetHandle rules = Ahb.RuleSet("current"))
            {
                ok &= Expect(AhbStatus.InvalidArgument, () => Ahb.Audit(estate, rules, "25/11/2026").Dispose());
                using (PositionHandle empty = Ahb.Audit(estate, rules, "2026-11-25"))
                {
                    ulong units;
                    ok &= Expect(AhbStatus.IndexOutOfRange, () =>
                        Ahb.Check(Native.ahb_position_pool_shortfall(empty, new UIntPtr(4), out units), "pool_shortfall"));
                }
            }
            Console.WriteLine(ok ? "errors: every misuse gave its status" : "errors: MISMATCH");
            return ok;
        }

        static bool Expect(AhbStatus want, Action call)
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
