// Ahb.cs: a reusable C# binding of libahb (include/ahb.h). Add this one file to a project, ship
// libahb.so.0 / ahb.dll beside the program, and use the classes below; the raw declarations
// are in NativeMethods.
//
//   mcs -target:library -out:Ahb.dll examples/csharp/Ahb.cs        (or add it to a .csproj)
//
// What it does for the caller, following the C ABI's conventions:
// - Every handle is a SafeHandle (EstateHandle, RuleSetHandle, ImporterHandle, PositionHandle,
//   PlanHandle, BytesHandle): freed exactly once, by Dispose or the finalizer, and never while a
//   call that uses it is running. The public classes (Estate, RuleSet, Importer, Position, Plan)
//   are IDisposable wrappers; use them in `using` blocks.
// - Strings go in as UTF-8 (byte[] and length, no NUL) and come out as UTF-8 (ahb_bytes copied
//   and freed at once; static C strings read byte by byte up to the NUL); never ANSI.
// - Every non-zero status becomes an AhbException carrying the Status and the thread's last
//   error message (what and where: file, line, record, field).
// - Amounts are exact decimal strings in C; here they are System.Decimal (28 significant
//   digits, like ahb's rust_decimal), parsed with the invariant culture.
//
// The code keeps to C# 6 so Debian's mcs compiles it; .NET 6+ compiles it unchanged. The library
// is found by the name "ahb": libahb.so on Linux (LD_LIBRARY_PATH or the system paths), ahb.dll
// on Windows.

using System;
using System.Collections.Generic;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Ahb
{
    /// <summary>The stable status values of include/ahb.h (AHB_STATUS_*).</summary>
    public enum Status : uint
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

    /// <summary>A licence pool (AHB_POOL_*).</summary>
    public enum Pool : uint
    {
        WindowsServer = 0,
        SqlServer = 1,
        Rhel = 2,
        Sles = 3,
    }

    /// <summary>Money totals of a position (AHB_TOTAL_*).</summary>
    public enum PositionTotal : uint
    {
        ClaimedMonthlySavings = 0,
        AtRiskMonthlySavings = 1,
        UnclaimedMonthlySavings = 2,
        UnclaimedYearlySavings = 3,
    }

    /// <summary>Amounts of a plan (AHB_PLAN_*).</summary>
    public enum PlanAmount : uint
    {
        HourlySavings = 0,
        MonthlySavings = 1,
        YearlySavings = 2,
        TodayMonthlySavings = 3,
        UpperBound = 4,
        Gap = 5,
    }

    /// <summary>A failed ahb call: its status and the detailed message of the last error.</summary>
    public sealed class AhbException : Exception
    {
        /// <summary>The C status of the failure.</summary>
        public readonly Status Status;

        /// <summary>The detailed message alone (the Message also names the call and the status).</summary>
        public readonly string Detail;

        public AhbException(Status status, string call, string fixedText, string detail)
            : base(string.Format("{0}: {1} ({2}): {3}", call, status, fixedText, detail))
        {
            Status = status;
            Detail = detail;
        }
    }

    public sealed class EstateHandle : SafeHandleZeroOrMinusOneIsInvalid
    {
        public EstateHandle() : base(true) { }
        protected override bool ReleaseHandle() { NativeMethods.ahb_estate_free(handle); return true; }
    }

    public sealed class RuleSetHandle : SafeHandleZeroOrMinusOneIsInvalid
    {
        public RuleSetHandle() : base(true) { }
        protected override bool ReleaseHandle() { NativeMethods.ahb_rule_set_free(handle); return true; }
    }

    public sealed class ImporterHandle : SafeHandleZeroOrMinusOneIsInvalid
    {
        public ImporterHandle() : base(true) { }
        protected override bool ReleaseHandle() { NativeMethods.ahb_importer_free(handle); return true; }
    }

    public sealed class PositionHandle : SafeHandleZeroOrMinusOneIsInvalid
    {
        public PositionHandle() : base(true) { }
        protected override bool ReleaseHandle() { NativeMethods.ahb_position_free(handle); return true; }
    }

    public sealed class PlanHandle : SafeHandleZeroOrMinusOneIsInvalid
    {
        public PlanHandle() : base(true) { }
        protected override bool ReleaseHandle() { NativeMethods.ahb_plan_free(handle); return true; }
    }

    public sealed class BytesHandle : SafeHandleZeroOrMinusOneIsInvalid
    {
        public BytesHandle() : base(true) { }
        protected override bool ReleaseHandle() { NativeMethods.ahb_bytes_free(handle); return true; }
    }

    /// <summary>The C functions, declared as include/ahb.h declares them.</summary>
    public static class NativeMethods
    {
        const string Lib = "ahb";
        const CallingConvention C = CallingConvention.Cdecl;

        [DllImport(Lib, CallingConvention = C)] public static extern IntPtr ahb_version();
        [DllImport(Lib, CallingConvention = C)] public static extern IntPtr ahb_status_message(uint status);
        [DllImport(Lib, CallingConvention = C)] public static extern UIntPtr ahb_last_error_length();
        [DllImport(Lib, CallingConvention = C)]
        public static extern uint ahb_last_error_message(byte[] buf, UIntPtr cap, out UIntPtr len);

        [DllImport(Lib, CallingConvention = C)] public static extern IntPtr ahb_bytes_data(BytesHandle bytes);
        [DllImport(Lib, CallingConvention = C)] public static extern UIntPtr ahb_bytes_len(BytesHandle bytes);
        [DllImport(Lib, CallingConvention = C)] public static extern void ahb_bytes_free(IntPtr bytes);

        [DllImport(Lib, CallingConvention = C)]
        public static extern uint ahb_estate_from_json(byte[] json, UIntPtr len, out EstateHandle estate);
        [DllImport(Lib, CallingConvention = C)] public static extern void ahb_estate_free(IntPtr estate);

        [DllImport(Lib, CallingConvention = C)]
        public static extern uint ahb_importer_new(byte[] optionsJson, UIntPtr len, out ImporterHandle importer);
        [DllImport(Lib, CallingConvention = C)]
        public static extern uint ahb_importer_add_inventory(ImporterHandle importer, byte[] name, UIntPtr nameLen,
                                                             byte[] data, UIntPtr len);
        [DllImport(Lib, CallingConvention = C)]
        public static extern uint ahb_importer_add_licences_csv(ImporterHandle importer, byte[] name, UIntPtr nameLen,
                                                                byte[] data, UIntPtr len);
        [DllImport(Lib, CallingConvention = C)]
        public static extern uint ahb_importer_add_cost_csv(ImporterHandle importer, byte[] name, UIntPtr nameLen,
                                                            byte[] data, UIntPtr len);
        [DllImport(Lib, CallingConvention = C)]
        public static extern uint ahb_importer_add_retail_prices(ImporterHandle importer, byte[] name, UIntPtr nameLen,
                                                                 byte[] data, UIntPtr len);
        [DllImport(Lib, CallingConvention = C)]
        public static extern uint ahb_importer_add_catalogue(ImporterHandle importer, byte[] name, UIntPtr nameLen,
                                                             byte[] data, UIntPtr len);
        [DllImport(Lib, CallingConvention = C)]
        public static extern uint ahb_importer_finish(ImporterHandle importer, out EstateHandle estate);
        [DllImport(Lib, CallingConvention = C)]
        public static extern uint ahb_importer_report_json(ImporterHandle importer, out BytesHandle json);
        [DllImport(Lib, CallingConvention = C)] public static extern void ahb_importer_free(IntPtr importer);

        [DllImport(Lib, CallingConvention = C)]
        public static extern uint ahb_rule_set_new_current(out RuleSetHandle ruleSet);
        [DllImport(Lib, CallingConvention = C)]
        public static extern uint ahb_rule_set_by_version(byte[] version, UIntPtr len, out RuleSetHandle ruleSet);
        [DllImport(Lib, CallingConvention = C)]
        public static extern uint ahb_rule_set_from_json(byte[] json, UIntPtr len, out RuleSetHandle ruleSet);
        [DllImport(Lib, CallingConvention = C)] public static extern IntPtr ahb_rule_set_version(RuleSetHandle ruleSet);
        [DllImport(Lib, CallingConvention = C)]
        public static extern uint ahb_rule_set_json(RuleSetHandle ruleSet, out BytesHandle json);
        [DllImport(Lib, CallingConvention = C)] public static extern void ahb_rule_set_free(IntPtr ruleSet);

        [DllImport(Lib, CallingConvention = C)]
        public static extern uint ahb_optimize(EstateHandle estate, RuleSetHandle ruleSet, byte[] optionsJson,
                                               UIntPtr len, out PlanHandle plan);
        [DllImport(Lib, CallingConvention = C)] public static extern uint ahb_plan_json(PlanHandle plan, out BytesHandle json);
        [DllImport(Lib, CallingConvention = C)] public static extern uint ahb_plan_text(PlanHandle plan, out BytesHandle text);
        [DllImport(Lib, CallingConvention = C)] public static extern uint ahb_plan_proven_optimal(PlanHandle plan, out byte proven);
        [DllImport(Lib, CallingConvention = C)] public static extern uint ahb_plan_change_count(PlanHandle plan, out UIntPtr count);
        [DllImport(Lib, CallingConvention = C)]
        public static extern uint ahb_plan_total(PlanHandle plan, uint which, byte[] buf, UIntPtr cap, out UIntPtr len);
        [DllImport(Lib, CallingConvention = C)] public static extern void ahb_plan_free(IntPtr plan);

        [DllImport(Lib, CallingConvention = C)]
        public static extern uint ahb_audit(EstateHandle estate, RuleSetHandle ruleSet, byte[] asOf, UIntPtr asOfLen,
                                            out PositionHandle position);
        [DllImport(Lib, CallingConvention = C)]
        public static extern uint ahb_position_json(PositionHandle position, out BytesHandle json);
        [DllImport(Lib, CallingConvention = C)]
        public static extern uint ahb_position_text(PositionHandle position, out BytesHandle text);
        [DllImport(Lib, CallingConvention = C)]
        public static extern uint ahb_position_compliant(PositionHandle position, out byte compliant);
        [DllImport(Lib, CallingConvention = C)]
        public static extern uint ahb_position_rule_set_version(PositionHandle position, out IntPtr version);
        [DllImport(Lib, CallingConvention = C)]
        public static extern uint ahb_position_pool_count(PositionHandle position, out UIntPtr count);
        [DllImport(Lib, CallingConvention = C)]
        public static extern uint ahb_position_pool_kind(PositionHandle position, UIntPtr index, out uint kind);
        [DllImport(Lib, CallingConvention = C)]
        public static extern uint ahb_position_pool_claimed(PositionHandle position, UIntPtr index, out ulong units);
        [DllImport(Lib, CallingConvention = C)]
        public static extern uint ahb_position_pool_covered(PositionHandle position, UIntPtr index, out ulong units);
        [DllImport(Lib, CallingConvention = C)]
        public static extern uint ahb_position_pool_shortfall(PositionHandle position, UIntPtr index, out ulong units);
        [DllImport(Lib, CallingConvention = C)]
        public static extern uint ahb_position_pool_idle(PositionHandle position, UIntPtr index, out ulong units);
        [DllImport(Lib, CallingConvention = C)]
        public static extern uint ahb_position_over_claimed_count(PositionHandle position, out UIntPtr count);
        [DllImport(Lib, CallingConvention = C)]
        public static extern uint ahb_position_under_claimed_count(PositionHandle position, out UIntPtr count);
        [DllImport(Lib, CallingConvention = C)]
        public static extern uint ahb_position_over_claimed_json(PositionHandle position, out BytesHandle json);
        [DllImport(Lib, CallingConvention = C)]
        public static extern uint ahb_position_under_claimed_json(PositionHandle position, out BytesHandle json);
        [DllImport(Lib, CallingConvention = C)]
        public static extern uint ahb_position_over_claimed_resource(PositionHandle position, UIntPtr index,
                                                                     out BytesHandle resource);
        [DllImport(Lib, CallingConvention = C)]
        public static extern uint ahb_position_over_claimed_reason(PositionHandle position, UIntPtr index,
                                                                   out BytesHandle reason);
        [DllImport(Lib, CallingConvention = C)]
        public static extern uint ahb_position_over_claimed_pool(PositionHandle position, UIntPtr index, out uint kind);
        [DllImport(Lib, CallingConvention = C)]
        public static extern uint ahb_position_over_claimed_units(PositionHandle position, UIntPtr index, out ulong units);
        [DllImport(Lib, CallingConvention = C)]
        public static extern uint ahb_position_over_claimed_uncovered(PositionHandle position, UIntPtr index,
                                                                      out ulong units);
        [DllImport(Lib, CallingConvention = C)]
        public static extern uint ahb_position_over_claimed_monthly_savings(PositionHandle position, UIntPtr index,
                                                                            byte[] buf, UIntPtr cap, out UIntPtr len);
        [DllImport(Lib, CallingConvention = C)]
        public static extern uint ahb_position_under_claimed_resource(PositionHandle position, UIntPtr index,
                                                                      out BytesHandle resource);
        [DllImport(Lib, CallingConvention = C)]
        public static extern uint ahb_position_under_claimed_pool(PositionHandle position, UIntPtr index, out uint kind);
        [DllImport(Lib, CallingConvention = C)]
        public static extern uint ahb_position_under_claimed_units(PositionHandle position, UIntPtr index,
                                                                   out ulong units);
        [DllImport(Lib, CallingConvention = C)]
        public static extern uint ahb_position_under_claimed_monthly_savings(PositionHandle position, UIntPtr index,
                                                                             byte[] buf, UIntPtr cap, out UIntPtr len);
        [DllImport(Lib, CallingConvention = C)]
        public static extern uint ahb_position_total(PositionHandle position, uint which, byte[] buf, UIntPtr cap,
                                                     out UIntPtr len);
        [DllImport(Lib, CallingConvention = C)] public static extern IntPtr ahb_pool_name(uint kind);
        [DllImport(Lib, CallingConvention = C)] public static extern void ahb_position_free(IntPtr position);

        [DllImport(Lib, CallingConvention = C)]
        public static extern uint ahb_timeline(EstateHandle estate, RuleSetHandle ruleSet, byte[] optionsJson,
                                               UIntPtr len, out BytesHandle json);
        [DllImport(Lib, CallingConvention = C)]
        public static extern uint ahb_simulate_central(EstateHandle estate, RuleSetHandle ruleSet, byte[] usageCsv,
                                                       UIntPtr len, out BytesHandle json);
        [DllImport(Lib, CallingConvention = C)]
        public static extern uint ahb_best_assignment(EstateHandle estate, RuleSetHandle ruleSet, byte[] usageCsv,
                                                      UIntPtr usageLen, byte[] optionsJson, UIntPtr optionsLen,
                                                      out BytesHandle json);

        [DllImport(Lib, CallingConvention = C)]
        public static extern uint ahb_plan_az_script(EstateHandle estate, PlanHandle plan, out BytesHandle apply,
                                                     out BytesHandle rollback);
        [DllImport(Lib, CallingConvention = C)]
        public static extern uint ahb_plan_arm_patches_json(EstateHandle estate, PlanHandle plan, out BytesHandle json);
        [DllImport(Lib, CallingConvention = C)] public static extern uint ahb_plan_csv(PlanHandle plan, out BytesHandle csv);
        [DllImport(Lib, CallingConvention = C)]
        public static extern uint ahb_position_csv(PositionHandle position, out BytesHandle csv);
    }

    /// <summary>Status checks and UTF-8 conversions shared by the wrappers.</summary>
    public static class Interop
    {
        /// <summary>AHB_DECIMAL_CAPACITY: a buffer this large holds any amount ahb writes.</summary>
        public const int DecimalCapacity = 64;

        /// <summary>Throws AhbException for a non-OK status, with the thread's last error.</summary>
        public static void Check(uint status, string call)
        {
            if (status == 0) return;
            throw new AhbException((Status)status, call, CString(NativeMethods.ahb_status_message(status)), LastError());
        }

        /// <summary>The calling thread's last error message, by the two-call pattern.</summary>
        public static string LastError()
        {
            byte[] buf = new byte[checked((int)NativeMethods.ahb_last_error_length().ToUInt64() + 1)];
            UIntPtr len;
            if (NativeMethods.ahb_last_error_message(buf, Len(buf), out len) != 0) return "?";
            return Encoding.UTF8.GetString(buf, 0, (int)len.ToUInt64());
        }

        /// <summary>A static NUL-terminated UTF-8 string of the library (never freed).</summary>
        public static string CString(IntPtr p)
        {
            if (p == IntPtr.Zero) return null;
            int n = 0;
            while (Marshal.ReadByte(p, n) != 0) n++;
            byte[] copy = new byte[n];
            Marshal.Copy(p, copy, 0, n);
            return Encoding.UTF8.GetString(copy);
        }

        public static byte[] Utf8(string s) { return Encoding.UTF8.GetBytes(s); }
        public static UIntPtr Len(byte[] b) { return new UIntPtr((ulong)b.Length); }

        /// <summary>Copies an ahb_bytes result into a string (UTF-8) and frees it.</summary>
        public static string Take(BytesHandle bytes)
        {
            using (bytes)
            {
                int len = checked((int)NativeMethods.ahb_bytes_len(bytes).ToUInt64());
                byte[] copy = new byte[len];
                if (len > 0) Marshal.Copy(NativeMethods.ahb_bytes_data(bytes), copy, 0, len);
                return Encoding.UTF8.GetString(copy);
            }
        }

        /// <summary>An exact amount written by the library; null for the empty string (unpriced).</summary>
        public static decimal? Amount(byte[] buf, UIntPtr len)
        {
            int n = (int)len.ToUInt64();
            if (n == 0) return null;
            return decimal.Parse(Encoding.ASCII.GetString(buf, 0, n), NumberStyles.Number | NumberStyles.AllowExponent,
                                 CultureInfo.InvariantCulture);
        }

        public static UIntPtr Index(int i)
        {
            if (i < 0) throw new ArgumentOutOfRangeException("i");
            return new UIntPtr((uint)i);
        }
    }

    /// <summary>The library itself.</summary>
    public static class Library
    {
        /// <summary>The library version ("0.1.0").</summary>
        public static string Version { get { return Interop.CString(NativeMethods.ahb_version()); } }

        /// <summary>A pool's name as ahb's JSON spells it ("windows_server", …).</summary>
        public static string PoolName(Pool pool) { return Interop.CString(NativeMethods.ahb_pool_name((uint)pool)); }
    }

    /// <summary>A validated estate (licences, resources, scopes). Immutable; may be shared by threads.</summary>
    public sealed class Estate : IDisposable
    {
        public readonly EstateHandle Handle;

        internal Estate(EstateHandle handle) { Handle = handle; }

        /// <summary>Reads an ahb.estate/1 document.</summary>
        public static Estate FromJson(string json) { return FromJson(Interop.Utf8(json)); }

        /// <summary>Reads an ahb.estate/1 document from UTF-8 bytes.</summary>
        public static Estate FromJson(byte[] utf8Json)
        {
            EstateHandle h;
            Interop.Check(NativeMethods.ahb_estate_from_json(utf8Json, Interop.Len(utf8Json), out h), "ahb_estate_from_json");
            return new Estate(h);
        }

        /// <summary>The position at every date where supply changes (options {"from", "to"}), as JSON.</summary>
        public string TimelineJson(RuleSet rules, string optionsJson)
        {
            byte[] o = Interop.Utf8(optionsJson);
            BytesHandle b;
            Interop.Check(NativeMethods.ahb_timeline(Handle, rules.Handle, o, Interop.Len(o), out b), "ahb_timeline");
            return Interop.Take(b);
        }

        /// <summary>Central SQL simulation over an hourly usage CSV, as JSON.</summary>
        public string SimulateCentralJson(RuleSet rules, byte[] usageCsv)
        {
            BytesHandle b;
            Interop.Check(NativeMethods.ahb_simulate_central(Handle, rules.Handle, usageCsv, Interop.Len(usageCsv), out b),
                          "ahb_simulate_central");
            return Interop.Take(b);
        }

        /// <summary>The best central assignment for a usage CSV (options {"scope", "prices"}), as JSON.</summary>
        public string BestAssignmentJson(RuleSet rules, byte[] usageCsv, string optionsJson)
        {
            byte[] o = Interop.Utf8(optionsJson);
            BytesHandle b;
            Interop.Check(NativeMethods.ahb_best_assignment(Handle, rules.Handle, usageCsv, Interop.Len(usageCsv), o,
                                                            Interop.Len(o), out b), "ahb_best_assignment");
            return Interop.Take(b);
        }

        public void Dispose() { Handle.Dispose(); }
    }

    /// <summary>A rule set (a version of the licensing rules and its knobs). Immutable.</summary>
    public sealed class RuleSet : IDisposable
    {
        public readonly RuleSetHandle Handle;

        RuleSet(RuleSetHandle handle) { Handle = handle; }

        /// <summary>The current rules.</summary>
        public static RuleSet Current()
        {
            RuleSetHandle h;
            Interop.Check(NativeMethods.ahb_rule_set_new_current(out h), "ahb_rule_set_new_current");
            return new RuleSet(h);
        }

        /// <summary>A rule set by version ("2023-04", "2021-11", "current").</summary>
        public static RuleSet ByVersion(string version)
        {
            byte[] v = Interop.Utf8(version);
            RuleSetHandle h;
            Interop.Check(NativeMethods.ahb_rule_set_by_version(v, Interop.Len(v), out h), "ahb_rule_set_by_version");
            return new RuleSet(h);
        }

        /// <summary>A rule set with knobs, from JSON.</summary>
        public static RuleSet FromJson(string json)
        {
            byte[] j = Interop.Utf8(json);
            RuleSetHandle h;
            Interop.Check(NativeMethods.ahb_rule_set_from_json(j, Interop.Len(j), out h), "ahb_rule_set_from_json");
            return new RuleSet(h);
        }

        /// <summary>The version string ("2023-04").</summary>
        public string Version { get { return Interop.CString(NativeMethods.ahb_rule_set_version(Handle)); } }

        /// <summary>The rule set and its knob values as JSON.</summary>
        public string Json()
        {
            BytesHandle b;
            Interop.Check(NativeMethods.ahb_rule_set_json(Handle, out b), "ahb_rule_set_json");
            return Interop.Take(b);
        }

        public void Dispose() { Handle.Dispose(); }
    }

    /// <summary>
    /// Real data in: add the catalogue (az vm list-skus) first, then inventory JSON, licence CSVs,
    /// cost exports and Retail Prices pages, then Finish. A failed Add stops the importer (no
    /// half-read file reaches an estate). Not thread-safe.
    /// </summary>
    public sealed class Importer : IDisposable
    {
        public readonly ImporterHandle Handle;

        /// <summary>Options JSON: "strict", "date_order" ("dmy"/"mdy"), "require_known_sizes".</summary>
        public Importer(string optionsJson = "{}")
        {
            byte[] o = Interop.Utf8(optionsJson);
            Interop.Check(NativeMethods.ahb_importer_new(o, Interop.Len(o), out Handle), "ahb_importer_new");
        }

        delegate uint AddFn(ImporterHandle h, byte[] name, UIntPtr nameLen, byte[] data, UIntPtr len);

        Importer Add(AddFn f, string call, string name, byte[] data)
        {
            byte[] n = Interop.Utf8(name);
            Interop.Check(f(Handle, n, Interop.Len(n), data, Interop.Len(data)), call);
            return this;
        }

        public Importer AddCatalogue(string name, byte[] json)
        {
            return Add(NativeMethods.ahb_importer_add_catalogue, "ahb_importer_add_catalogue", name, json);
        }

        public Importer AddInventory(string name, byte[] json)
        {
            return Add(NativeMethods.ahb_importer_add_inventory, "ahb_importer_add_inventory", name, json);
        }

        public Importer AddLicencesCsv(string name, byte[] csv)
        {
            return Add(NativeMethods.ahb_importer_add_licences_csv, "ahb_importer_add_licences_csv", name, csv);
        }

        public Importer AddCostCsv(string name, byte[] csv)
        {
            return Add(NativeMethods.ahb_importer_add_cost_csv, "ahb_importer_add_cost_csv", name, csv);
        }

        public Importer AddRetailPrices(string name, byte[] json)
        {
            return Add(NativeMethods.ahb_importer_add_retail_prices, "ahb_importer_add_retail_prices", name, json);
        }

        /// <summary>Joins the files into a validated estate (once).</summary>
        public Estate Finish()
        {
            EstateHandle h;
            Interop.Check(NativeMethods.ahb_importer_finish(Handle, out h), "ahb_importer_finish");
            return new Estate(h);
        }

        /// <summary>After Finish: what was skipped, unknown or unpriced, and why (ahb.import-report/1).</summary>
        public string ReportJson()
        {
            BytesHandle b;
            Interop.Check(NativeMethods.ahb_importer_report_json(Handle, out b), "ahb_importer_report_json");
            return Interop.Take(b);
        }

        public void Dispose() { Handle.Dispose(); }
    }

    /// <summary>One pool of a position.</summary>
    public struct PoolSummary
    {
        public Pool Pool;
        public ulong Claimed, Covered, Shortfall, Idle;
    }

    /// <summary>A claim the licences do not cover, or a claim on an ineligible resource.</summary>
    public sealed class OverClaim
    {
        public string Resource;
        public Pool Pool;
        public ulong Units, Uncovered;
        /// <summary>Savings per month at risk; null when the resource has no price.</summary>
        public decimal? MonthlySavings;
        /// <summary>What is wrong, with the rule ID in parentheses.</summary>
        public string Reason;
    }

    /// <summary>An eligible resource that does not claim the benefit.</summary>
    public sealed class UnderClaim
    {
        public string Resource;
        public Pool Pool;
        public ulong Units;
        /// <summary>Savings per month the benefit would bring; null when unpriced.</summary>
        public decimal? MonthlySavings;
    }

    /// <summary>The compliance position of an estate on a date. Immutable.</summary>
    public sealed class Position : IDisposable
    {
        public readonly PositionHandle Handle;

        Position(PositionHandle handle) { Handle = handle; }

        /// <summary>Audits the estate on a YYYY-MM-DD date.</summary>
        public static Position Audit(Estate estate, RuleSet rules, string asOf)
        {
            byte[] d = Interop.Utf8(asOf);
            PositionHandle h;
            Interop.Check(NativeMethods.ahb_audit(estate.Handle, rules.Handle, d, Interop.Len(d), out h), "ahb_audit");
            return new Position(h);
        }

        public bool Compliant
        {
            get
            {
                byte b;
                Interop.Check(NativeMethods.ahb_position_compliant(Handle, out b), "ahb_position_compliant");
                return b != 0;
            }
        }

        public string RuleSetVersion
        {
            get
            {
                IntPtr p;
                Interop.Check(NativeMethods.ahb_position_rule_set_version(Handle, out p), "ahb_position_rule_set_version");
                return Interop.CString(p);
            }
        }

        public IList<PoolSummary> Pools
        {
            get
            {
                UIntPtr n;
                Interop.Check(NativeMethods.ahb_position_pool_count(Handle, out n), "ahb_position_pool_count");
                var list = new List<PoolSummary>();
                for (ulong i = 0; i < n.ToUInt64(); i++)
                {
                    UIntPtr ix = new UIntPtr(i);
                    uint kind;
                    var p = new PoolSummary();
                    Interop.Check(NativeMethods.ahb_position_pool_kind(Handle, ix, out kind), "ahb_position_pool_kind");
                    Interop.Check(NativeMethods.ahb_position_pool_claimed(Handle, ix, out p.Claimed), "ahb_position_pool_claimed");
                    Interop.Check(NativeMethods.ahb_position_pool_covered(Handle, ix, out p.Covered), "ahb_position_pool_covered");
                    Interop.Check(NativeMethods.ahb_position_pool_shortfall(Handle, ix, out p.Shortfall), "ahb_position_pool_shortfall");
                    Interop.Check(NativeMethods.ahb_position_pool_idle(Handle, ix, out p.Idle), "ahb_position_pool_idle");
                    p.Pool = (Pool)kind;
                    list.Add(p);
                }
                return list;
            }
        }

        public int OverClaimedCount
        {
            get
            {
                UIntPtr n;
                Interop.Check(NativeMethods.ahb_position_over_claimed_count(Handle, out n), "ahb_position_over_claimed_count");
                return checked((int)n.ToUInt64());
            }
        }

        public int UnderClaimedCount
        {
            get
            {
                UIntPtr n;
                Interop.Check(NativeMethods.ahb_position_under_claimed_count(Handle, out n), "ahb_position_under_claimed_count");
                return checked((int)n.ToUInt64());
            }
        }

        /// <summary>Over-claimed row i (0 ≤ i &lt; OverClaimedCount).</summary>
        public OverClaim OverClaimed(int i)
        {
            UIntPtr ix = Interop.Index(i);
            var row = new OverClaim();
            BytesHandle b;
            uint kind;
            Interop.Check(NativeMethods.ahb_position_over_claimed_resource(Handle, ix, out b), "ahb_position_over_claimed_resource");
            row.Resource = Interop.Take(b);
            Interop.Check(NativeMethods.ahb_position_over_claimed_reason(Handle, ix, out b), "ahb_position_over_claimed_reason");
            row.Reason = Interop.Take(b);
            Interop.Check(NativeMethods.ahb_position_over_claimed_pool(Handle, ix, out kind), "ahb_position_over_claimed_pool");
            row.Pool = (Pool)kind;
            Interop.Check(NativeMethods.ahb_position_over_claimed_units(Handle, ix, out row.Units), "ahb_position_over_claimed_units");
            Interop.Check(NativeMethods.ahb_position_over_claimed_uncovered(Handle, ix, out row.Uncovered),
                          "ahb_position_over_claimed_uncovered");
            byte[] buf = new byte[Interop.DecimalCapacity];
            UIntPtr len;
            Interop.Check(NativeMethods.ahb_position_over_claimed_monthly_savings(Handle, ix, buf, Interop.Len(buf), out len),
                          "ahb_position_over_claimed_monthly_savings");
            row.MonthlySavings = Interop.Amount(buf, len);
            return row;
        }

        /// <summary>Under-claimed row i (0 ≤ i &lt; UnderClaimedCount; most savings first).</summary>
        public UnderClaim UnderClaimed(int i)
        {
            UIntPtr ix = Interop.Index(i);
            var row = new UnderClaim();
            BytesHandle b;
            uint kind;
            Interop.Check(NativeMethods.ahb_position_under_claimed_resource(Handle, ix, out b), "ahb_position_under_claimed_resource");
            row.Resource = Interop.Take(b);
            Interop.Check(NativeMethods.ahb_position_under_claimed_pool(Handle, ix, out kind), "ahb_position_under_claimed_pool");
            row.Pool = (Pool)kind;
            Interop.Check(NativeMethods.ahb_position_under_claimed_units(Handle, ix, out row.Units), "ahb_position_under_claimed_units");
            byte[] buf = new byte[Interop.DecimalCapacity];
            UIntPtr len;
            Interop.Check(NativeMethods.ahb_position_under_claimed_monthly_savings(Handle, ix, buf, Interop.Len(buf), out len),
                          "ahb_position_under_claimed_monthly_savings");
            row.MonthlySavings = Interop.Amount(buf, len);
            return row;
        }

        /// <summary>An exact money total.</summary>
        public decimal Total(PositionTotal which)
        {
            byte[] buf = new byte[Interop.DecimalCapacity];
            UIntPtr len;
            Interop.Check(NativeMethods.ahb_position_total(Handle, (uint)which, buf, Interop.Len(buf), out len), "ahb_position_total");
            return Interop.Amount(buf, len).GetValueOrDefault();
        }

        public string Json()
        {
            BytesHandle b;
            Interop.Check(NativeMethods.ahb_position_json(Handle, out b), "ahb_position_json");
            return Interop.Take(b);
        }

        public string Text()
        {
            BytesHandle b;
            Interop.Check(NativeMethods.ahb_position_text(Handle, out b), "ahb_position_text");
            return Interop.Take(b);
        }

        public string Csv()
        {
            BytesHandle b;
            Interop.Check(NativeMethods.ahb_position_csv(Handle, out b), "ahb_position_csv");
            return Interop.Take(b);
        }

        public string OverClaimedJson()
        {
            BytesHandle b;
            Interop.Check(NativeMethods.ahb_position_over_claimed_json(Handle, out b), "ahb_position_over_claimed_json");
            return Interop.Take(b);
        }

        public string UnderClaimedJson()
        {
            BytesHandle b;
            Interop.Check(NativeMethods.ahb_position_under_claimed_json(Handle, out b), "ahb_position_under_claimed_json");
            return Interop.Take(b);
        }

        public void Dispose() { Handle.Dispose(); }
    }

    /// <summary>An az script and the script that undoes it.</summary>
    public struct AzScript
    {
        public string Apply, Rollback;
    }

    /// <summary>An optimal plan with its certificate. Immutable.</summary>
    public sealed class Plan : IDisposable
    {
        public readonly PlanHandle Handle;

        Plan(PlanHandle handle) { Handle = handle; }

        /// <summary>The optimal plan; options are ahb's OptimizeOptions as JSON ({"as_of": …} at least).</summary>
        public static Plan Optimize(Estate estate, RuleSet rules, string optionsJson)
        {
            byte[] o = Interop.Utf8(optionsJson);
            PlanHandle h;
            Interop.Check(NativeMethods.ahb_optimize(estate.Handle, rules.Handle, o, Interop.Len(o), out h), "ahb_optimize");
            return new Plan(h);
        }

        public bool ProvenOptimal
        {
            get
            {
                byte b;
                Interop.Check(NativeMethods.ahb_plan_proven_optimal(Handle, out b), "ahb_plan_proven_optimal");
                return b != 0;
            }
        }

        public int ChangeCount
        {
            get
            {
                UIntPtr n;
                Interop.Check(NativeMethods.ahb_plan_change_count(Handle, out n), "ahb_plan_change_count");
                return checked((int)n.ToUInt64());
            }
        }

        /// <summary>An exact amount of the plan.</summary>
        public decimal Amount(PlanAmount which)
        {
            byte[] buf = new byte[Interop.DecimalCapacity];
            UIntPtr len;
            Interop.Check(NativeMethods.ahb_plan_total(Handle, (uint)which, buf, Interop.Len(buf), out len), "ahb_plan_total");
            return Interop.Amount(buf, len).GetValueOrDefault();
        }

        public string Json()
        {
            BytesHandle b;
            Interop.Check(NativeMethods.ahb_plan_json(Handle, out b), "ahb_plan_json");
            return Interop.Take(b);
        }

        public string Text()
        {
            BytesHandle b;
            Interop.Check(NativeMethods.ahb_plan_text(Handle, out b), "ahb_plan_text");
            return Interop.Take(b);
        }

        public string Csv()
        {
            BytesHandle b;
            Interop.Check(NativeMethods.ahb_plan_csv(Handle, out b), "ahb_plan_csv");
            return Interop.Take(b);
        }

        /// <summary>The plan's changes as az commands, with the rollback; `estate` is the plan's own.</summary>
        public AzScript AzScript(Estate estate)
        {
            BytesHandle apply, rollback;
            Interop.Check(NativeMethods.ahb_plan_az_script(estate.Handle, Handle, out apply, out rollback), "ahb_plan_az_script");
            var s = new AzScript();
            s.Apply = Interop.Take(apply);
            s.Rollback = Interop.Take(rollback);
            return s;
        }

        /// <summary>The plan's changes as ARM requests with rollbacks (ahb.patches/1).</summary>
        public string ArmPatchesJson(Estate estate)
        {
            BytesHandle b;
            Interop.Check(NativeMethods.ahb_plan_arm_patches_json(estate.Handle, Handle, out b), "ahb_plan_arm_patches_json");
            return Interop.Take(b);
        }

        public void Dispose() { Handle.Dispose(); }
    }
}
