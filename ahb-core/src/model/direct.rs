//! The direct reader: an estate read from JSON text straight into the typed model, in one
//! streaming pass, with no `serde_json::Value` built for any record.
//!
//! It only ever answers "here is the estate" or "not read": it gives no error of its own. On
//! anything it does not accept (a syntax error, a wrong type, a key given twice, an unknown
//! field, a wrong schema, or a legal spelling it does not bother with, such as a struct written
//! as an array) it stops at once, and the caller reads the text again with the record-by-record
//! reader of [`super::load`], which makes the located error. So the errors are those of that
//! reader by construction; what this reader must guarantee is only that whatever it accepts, that
//! reader accepts too, with the same result (the differential tests of `load` check it).
//!
//! Strictness it shares with that reader: a key given twice in any object is refused (every
//! object here is a struct that knows its fields, and a repeated or unknown field stops the
//! read); `licences` and `licenses` together are refused; amounts are read only from strings,
//! by [`crate::money::parse_amount`]; enum strings, numbers, dates and nulls are read by the same
//! serde implementations from the same parser.

use std::borrow::Cow;
use std::fmt;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::de::{
    self, Deserialize, DeserializeSeed, Deserializer, IntoDeserializer, MapAccess, Visitor,
};

use super::{
    AksHost, CentralAssignment, ESTATE_SCHEMA, Estate, HostLicenseType, LicenceLine, Os,
    PaasLicenseType, Prices, Resource, ResourceSpec, Scope, SqlCompute, SqlTier, SqlVmEdition,
    SqlVmLicenseType, SsisEdition, VmLicenseType,
};

/// Reads an estate, or `None` when the text is anything but a plainly written, well-typed
/// estate (the caller then reads it with the reader that explains why).
pub(crate) fn read(text: &str) -> Option<Estate> {
    let mut de = serde_json::Deserializer::from_str(crate::strict_json::strip_bom(text));
    let estate = de
        .deserialize_map(TopVisitor {
            resources: resources_hint(text),
        })
        .ok()?;
    de.end().ok()?;
    Some(estate)
}

/// A refusal: the message is never shown (the caller re-reads the text), so it stays empty.
fn no<E: de::Error>() -> E {
    E::custom("")
}

/// Takes a field's presence bit, refusing one already taken.
fn take<E: de::Error>(seen: &mut u64, bit: u64) -> Result<(), E> {
    if *seen & bit != 0 {
        return Err(no());
    }
    *seen |= bit;
    Ok(())
}

/// An enum of the model read from a string with its own `Deserialize`, exactly as a
/// `Value::String` would be read; `None` for a string that is not one of its spellings.
fn variant<T: de::DeserializeOwned>(s: &str) -> Option<T> {
    let d: de::value::StrDeserializer<'_, de::value::Error> = s.into_deserializer();
    T::deserialize(d).ok()
}

/// A JSON string, borrowed from the text when it has no escapes. Anything else is refused.
struct Str<'de>(Cow<'de, str>);

impl<'de> Deserialize<'de> for Str<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Str<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Str<'de>, E> {
                Ok(Str(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Str<'de>, E> {
                Ok(Str(Cow::Owned(v.to_string())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Str<'de>, E> {
                Ok(Str(Cow::Owned(v)))
            }
        }
        d.deserialize_str(V)
    }
}

/// An amount, read as [`crate::money::de`] reads one: from a string only.
struct Amount(Decimal);

impl<'de> Deserialize<'de> for Amount {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = Str::deserialize(d)?;
        crate::money::parse_amount(&s.0)
            .map(Amount)
            .map_err(|_| no())
    }
}

/// [`Prices`], read as its derived `Deserialize` reads an object.
struct FastPrices(Prices);

impl<'de> Deserialize<'de> for FastPrices {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        #[derive(Clone, Copy)]
        enum K {
            Payg,
            Ahb,
            Currency,
        }
        impl<'de> Visitor<'de> for V {
            type Value = FastPrices;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("prices")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<FastPrices, A::Error> {
                let (mut payg, mut ahb, mut currency) = (None, None, None);
                let mut seen = 0u64;
                while let Some(key) = map.next_key::<Str<'de>>()? {
                    let k = match &*key.0 {
                        "payg_per_hour" => K::Payg,
                        "ahb_per_hour" => K::Ahb,
                        "currency" => K::Currency,
                        _ => return Err(no()),
                    };
                    take(&mut seen, 1 << k as u32)?;
                    match k {
                        K::Payg => payg = Some(map.next_value::<Amount>()?.0),
                        K::Ahb => ahb = Some(map.next_value::<Amount>()?.0),
                        K::Currency => currency = map.next_value::<Option<String>>()?,
                    }
                }
                Ok(FastPrices(Prices {
                    payg_per_hour: payg.ok_or_else(no)?,
                    ahb_per_hour: ahb.ok_or_else(no)?,
                    currency,
                }))
            }
        }
        d.deserialize_map(V)
    }
}

/// The fields a resource may have, common and kind-specific; `F as u32` is its presence bit.
#[derive(Clone, Copy, PartialEq, Eq)]
enum F {
    Id,
    Name,
    Scope,
    Prices,
    HoursPerMonth,
    Running,
    Kind,
    Os,
    Vcpus,
    ActiveVcpus,
    Size,
    LicenseType,
    Host,
    SqlImage,
    Instances,
    PhysicalCores,
    Sku,
    SqlHostLevel,
    SqlPrices,
    Edition,
    Vm,
    ReplicaOf,
    PrimaryOnPremises,
    Tier,
    Vcores,
    Dtu,
    Compute,
    Created,
    Standby,
    PassiveDr,
    WorkerVcpus,
    ControlPlaneVcpus,
    Ahb,
    OemBundled,
    NodeCores,
}

impl F {
    fn of(key: &str) -> Option<F> {
        Some(match key {
            "id" => F::Id,
            "name" => F::Name,
            "scope" => F::Scope,
            "prices" => F::Prices,
            "hours_per_month" => F::HoursPerMonth,
            "running" => F::Running,
            "kind" => F::Kind,
            "os" => F::Os,
            "vcpus" => F::Vcpus,
            "active_vcpus" => F::ActiveVcpus,
            "size" => F::Size,
            // One field under its two spellings: both in one record is a repeat.
            "license_type" | "licence_type" => F::LicenseType,
            "host" => F::Host,
            "sql_image" => F::SqlImage,
            "instances" => F::Instances,
            "physical_cores" => F::PhysicalCores,
            "sku" => F::Sku,
            "sql_host_level" => F::SqlHostLevel,
            "sql_prices" => F::SqlPrices,
            "edition" => F::Edition,
            "vm" => F::Vm,
            "replica_of" => F::ReplicaOf,
            "primary_on_premises" => F::PrimaryOnPremises,
            "tier" => F::Tier,
            "vcores" => F::Vcores,
            "dtu" => F::Dtu,
            "compute" => F::Compute,
            "created" => F::Created,
            "standby" => F::Standby,
            "passive_dr" => F::PassiveDr,
            "worker_vcpus" => F::WorkerVcpus,
            "control_plane_vcpus" => F::ControlPlaneVcpus,
            "ahb" => F::Ahb,
            "oem_bundled" => F::OemBundled,
            "node_cores" => F::NodeCores,
            _ => return None,
        })
    }

    fn bit(self) -> u64 {
        1 << self as u32
    }
}

/// The presence bits of a set of fields.
const fn bits(fields: &[F]) -> u64 {
    let mut b = 0;
    let mut i = 0;
    while i < fields.len() {
        b |= 1 << fields[i] as u32;
        i += 1;
    }
    b
}

/// The fields every kind has (the resource's own, and `kind`).
const COMMON: u64 = bits(&[
    F::Id,
    F::Name,
    F::Scope,
    F::Prices,
    F::HoursPerMonth,
    F::Running,
    F::Kind,
]);

/// The kinds, with the fields each allows besides [`COMMON`] (as [`ResourceSpec`] declares them).
#[derive(Clone, Copy)]
enum Kind {
    Vm,
    ScaleSet,
    DedicatedHost,
    SqlVm,
    SqlDatabase,
    SqlElasticPool,
    SqlManagedInstance,
    SqlInstancePool,
    SsisRuntime,
    AksHybrid,
    AzureLocalCluster,
}

impl Kind {
    fn of(s: &str) -> Option<Kind> {
        Some(match s {
            "vm" => Kind::Vm,
            "scale_set" => Kind::ScaleSet,
            "dedicated_host" => Kind::DedicatedHost,
            "sql_vm" => Kind::SqlVm,
            "sql_database" => Kind::SqlDatabase,
            "sql_elastic_pool" => Kind::SqlElasticPool,
            "sql_managed_instance" => Kind::SqlManagedInstance,
            "sql_instance_pool" => Kind::SqlInstancePool,
            "ssis_runtime" => Kind::SsisRuntime,
            "aks_hybrid" => Kind::AksHybrid,
            "azure_local_cluster" => Kind::AzureLocalCluster,
            _ => return None,
        })
    }

    fn fields(self) -> u64 {
        use F::*;
        match self {
            Self::Vm => bits(&[Os, Vcpus, ActiveVcpus, Size, LicenseType, Host, SqlImage]),
            Self::ScaleSet => bits(&[Os, Vcpus, ActiveVcpus, Size, Instances, LicenseType]),
            Self::DedicatedHost => bits(&[
                PhysicalCores,
                Vcpus,
                Sku,
                LicenseType,
                SqlHostLevel,
                SqlPrices,
            ]),
            Self::SqlVm => bits(&[
                Edition,
                Vcpus,
                ActiveVcpus,
                LicenseType,
                Vm,
                Host,
                ReplicaOf,
                PrimaryOnPremises,
            ]),
            Self::SqlDatabase => bits(&[
                Tier,
                Vcores,
                Dtu,
                Compute,
                Created,
                LicenseType,
                Standby,
                ReplicaOf,
            ]),
            Self::SqlElasticPool => bits(&[Tier, Vcores, Dtu, LicenseType]),
            Self::SqlManagedInstance => bits(&[Tier, Vcores, LicenseType, PassiveDr, ReplicaOf]),
            Self::SqlInstancePool => bits(&[Tier, Vcores, LicenseType]),
            Self::SsisRuntime => bits(&[Edition, Vcores, LicenseType]),
            Self::AksHybrid => bits(&[Host, WorkerVcpus, ControlPlaneVcpus, Ahb, OemBundled]),
            Self::AzureLocalCluster => bits(&[NodeCores, Ahb]),
        }
    }
}

/// Everything a resource record may hold, before its kind is known. A field is `None` when
/// absent, and an optional field also when `null` (the presence bits tell the two apart where it
/// matters: a field its kind does not have). `host` is `None` for `null` too: every kind reads a
/// `null` host as it reads an absent one (a VM's is optional, so both are no host; an AKS
/// cluster's is required, so both are refused).
#[derive(Default)]
struct Fields<'de> {
    id: Option<String>,
    name: Option<String>,
    scope: Option<String>,
    prices: Option<Prices>,
    hours_per_month: Option<Decimal>,
    running: Option<bool>,
    kind: Option<Kind>,
    os: Option<Os>,
    vcpus: Option<u32>,
    active_vcpus: Option<u32>,
    size: Option<String>,
    license_type: Option<Cow<'de, str>>,
    host: Option<Cow<'de, str>>,
    sql_image: Option<bool>,
    instances: Option<u32>,
    physical_cores: Option<u32>,
    sku: Option<String>,
    sql_host_level: Option<bool>,
    sql_prices: Option<Prices>,
    edition: Option<Cow<'de, str>>,
    vm: Option<String>,
    replica_of: Option<String>,
    primary_on_premises: Option<bool>,
    tier: Option<SqlTier>,
    vcores: Option<u32>,
    dtu: Option<u32>,
    compute: Option<SqlCompute>,
    created: Option<NaiveDate>,
    standby: Option<bool>,
    passive_dr: Option<bool>,
    worker_vcpus: Option<u32>,
    control_plane_vcpus: Option<u32>,
    ahb: Option<bool>,
    oem_bundled: Option<bool>,
    node_cores: Option<Vec<u32>>,
}

/// A field's enum read from its string with the kind's type; absent is the type's default.
fn kind_enum<T: de::DeserializeOwned + Default, E: de::Error>(
    s: &Option<Cow<'_, str>>,
) -> Result<T, E> {
    match s {
        None => Ok(T::default()),
        Some(s) => variant(s).ok_or_else(no),
    }
}

/// A field that must be present (and, for `Option` reads, not `null`).
fn need<T, E: de::Error>(v: Option<T>) -> Result<T, E> {
    v.ok_or_else(no)
}

impl Fields<'_> {
    fn into_resource<E: de::Error>(self, seen: u64) -> Result<Resource, E> {
        let kind = need(self.kind)?;
        if seen & !(COMMON | kind.fields()) != 0 {
            return Err(no());
        }
        let lt = &self.license_type;
        let spec = match kind {
            Kind::Vm => ResourceSpec::Vm {
                os: need(self.os)?,
                vcpus: need(self.vcpus)?,
                active_vcpus: self.active_vcpus,
                size: self.size,
                license_type: kind_enum::<VmLicenseType, E>(lt)?,
                host: self.host.map(Cow::into_owned),
                sql_image: self.sql_image.unwrap_or(false),
            },
            Kind::ScaleSet => ResourceSpec::ScaleSet {
                os: need(self.os)?,
                vcpus: need(self.vcpus)?,
                active_vcpus: self.active_vcpus,
                size: self.size,
                instances: need(self.instances)?,
                license_type: kind_enum::<VmLicenseType, E>(lt)?,
            },
            Kind::DedicatedHost => ResourceSpec::DedicatedHost {
                physical_cores: need(self.physical_cores)?,
                vcpus: self.vcpus,
                sku: self.sku,
                license_type: kind_enum::<HostLicenseType, E>(lt)?,
                sql_host_level: self.sql_host_level.unwrap_or(false),
                sql_prices: self.sql_prices,
            },
            Kind::SqlVm => ResourceSpec::SqlVm {
                edition: variant::<SqlVmEdition>(&need(self.edition)?).ok_or_else(no)?,
                vcpus: need(self.vcpus)?,
                active_vcpus: self.active_vcpus,
                license_type: kind_enum::<SqlVmLicenseType, E>(lt)?,
                vm: self.vm,
                host: self.host.map(Cow::into_owned),
                replica_of: self.replica_of,
                primary_on_premises: self.primary_on_premises.unwrap_or(false),
            },
            Kind::SqlDatabase => ResourceSpec::SqlDatabase {
                tier: need(self.tier)?,
                vcores: self.vcores,
                dtu: self.dtu,
                compute: self.compute.unwrap_or_default(),
                created: self.created,
                license_type: kind_enum::<PaasLicenseType, E>(lt)?,
                standby: self.standby.unwrap_or(false),
                replica_of: self.replica_of,
            },
            Kind::SqlElasticPool => ResourceSpec::SqlElasticPool {
                tier: need(self.tier)?,
                vcores: self.vcores,
                dtu: self.dtu,
                license_type: kind_enum::<PaasLicenseType, E>(lt)?,
            },
            Kind::SqlManagedInstance => ResourceSpec::SqlManagedInstance {
                tier: need(self.tier)?,
                vcores: need(self.vcores)?,
                license_type: kind_enum::<PaasLicenseType, E>(lt)?,
                passive_dr: self.passive_dr.unwrap_or(false),
                replica_of: self.replica_of,
            },
            Kind::SqlInstancePool => ResourceSpec::SqlInstancePool {
                tier: need(self.tier)?,
                vcores: need(self.vcores)?,
                license_type: kind_enum::<PaasLicenseType, E>(lt)?,
            },
            Kind::SsisRuntime => ResourceSpec::SsisRuntime {
                edition: variant::<SsisEdition>(&need(self.edition)?).ok_or_else(no)?,
                vcores: need(self.vcores)?,
                license_type: kind_enum::<PaasLicenseType, E>(lt)?,
            },
            Kind::AksHybrid => ResourceSpec::AksHybrid {
                host: variant::<AksHost>(&need(self.host)?).ok_or_else(no)?,
                worker_vcpus: need(self.worker_vcpus)?,
                control_plane_vcpus: self.control_plane_vcpus.unwrap_or(0),
                ahb: self.ahb.unwrap_or(false),
                oem_bundled: self.oem_bundled.unwrap_or(false),
            },
            Kind::AzureLocalCluster => ResourceSpec::AzureLocalCluster {
                node_cores: need(self.node_cores)?,
                ahb: self.ahb.unwrap_or(false),
            },
        };
        Ok(Resource {
            id: need(self.id)?,
            name: self.name,
            scope: self.scope,
            prices: self.prices,
            hours_per_month: self.hours_per_month,
            running: self.running.unwrap_or(true),
            spec,
        })
    }
}

/// A resource read directly: its fields in any order, then its kind decides which of them it may
/// have and which it must.
struct FastResource(Resource);

impl<'de> Deserialize<'de> for FastResource {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(ResourceVisitor).map(FastResource)
    }
}

struct ResourceVisitor;

impl<'de> Visitor<'de> for ResourceVisitor {
    type Value = Resource;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a resource")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Resource, A::Error> {
        let mut r = Fields::default();
        let mut seen = 0u64;
        while let Some(key) = map.next_key::<Str<'de>>()? {
            let f = F::of(&key.0).ok_or_else(no)?;
            take(&mut seen, f.bit())?;
            match f {
                F::Id => r.id = Some(map.next_value()?),
                F::Name => r.name = map.next_value()?,
                F::Scope => r.scope = map.next_value()?,
                F::Prices => r.prices = map.next_value::<Option<FastPrices>>()?.map(|p| p.0),
                F::HoursPerMonth => {
                    r.hours_per_month = map.next_value::<Option<Amount>>()?.map(|a| a.0);
                }
                F::Running => r.running = Some(map.next_value()?),
                F::Kind => {
                    let s = map.next_value::<Str<'de>>()?;
                    r.kind = Some(Kind::of(&s.0).ok_or_else(no)?);
                }
                F::Os => r.os = Some(map.next_value()?),
                F::Vcpus => r.vcpus = map.next_value()?,
                F::ActiveVcpus => r.active_vcpus = map.next_value()?,
                F::Size => r.size = map.next_value()?,
                F::LicenseType => r.license_type = Some(map.next_value::<Str<'de>>()?.0),
                F::Host => r.host = map.next_value::<Option<Str<'de>>>()?.map(|s| s.0),
                F::SqlImage => r.sql_image = Some(map.next_value()?),
                F::Instances => r.instances = Some(map.next_value()?),
                F::PhysicalCores => r.physical_cores = Some(map.next_value()?),
                F::Sku => r.sku = map.next_value()?,
                F::SqlHostLevel => r.sql_host_level = Some(map.next_value()?),
                F::SqlPrices => {
                    r.sql_prices = map.next_value::<Option<FastPrices>>()?.map(|p| p.0);
                }
                F::Edition => r.edition = Some(map.next_value::<Str<'de>>()?.0),
                F::Vm => r.vm = map.next_value()?,
                F::ReplicaOf => r.replica_of = map.next_value()?,
                F::PrimaryOnPremises => r.primary_on_premises = Some(map.next_value()?),
                F::Tier => r.tier = Some(map.next_value()?),
                F::Vcores => r.vcores = map.next_value()?,
                F::Dtu => r.dtu = map.next_value()?,
                F::Compute => r.compute = Some(map.next_value()?),
                F::Created => r.created = map.next_value()?,
                F::Standby => r.standby = Some(map.next_value()?),
                F::PassiveDr => r.passive_dr = Some(map.next_value()?),
                F::WorkerVcpus => r.worker_vcpus = Some(map.next_value()?),
                F::ControlPlaneVcpus => r.control_plane_vcpus = Some(map.next_value()?),
                F::Ahb => r.ahb = Some(map.next_value()?),
                F::OemBundled => r.oem_bundled = Some(map.next_value()?),
                F::NodeCores => r.node_cores = Some(map.next_value()?),
            }
        }
        r.into_resource(seen)
    }
}

/// Fewer bytes than any resource's JSON text (`{"id":"","kind":"vm"}` is 21, before the fields
/// its kind requires).
const MIN_RESOURCE_BYTES: usize = 32;

/// Most resources reserved before they are read (about 1 GB of them); more are read all the same.
const MAX_RESERVED_RESOURCES: usize = 1 << 22;

/// How many resources to reserve for `text`: the `"kind"` keys in it (each resource has one;
/// scopes and text that merely contains the word add a few), at most one per
/// [`MIN_RESOURCE_BYTES`] and [`MAX_RESERVED_RESOURCES`]. Counting them costs one fast scan
/// of the text; growing the vector as the resources arrive instead copied all of them each time
/// it doubled (a 250 MB vector at 10⁶ resources; an allocator that cannot `mremap` copies it
/// every time).
fn resources_hint(text: &str) -> usize {
    memchr::memmem::find_iter(text.as_bytes(), b"\"kind\"")
        .count()
        .min(text.len() / MIN_RESOURCE_BYTES)
        .min(MAX_RESERVED_RESOURCES)
}

/// The resources: `null` (empty) or an array, each read by [`ResourceVisitor`], in a vector
/// reserved for the number given.
struct Resources(usize);

impl<'de> DeserializeSeed<'de> for Resources {
    type Value = Vec<Resource>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Vec<Resource>, D::Error> {
        struct V(usize);
        impl<'de> Visitor<'de> for V {
            type Value = Vec<Resource>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an array of resources")
            }
            fn visit_unit<E: de::Error>(self) -> Result<Vec<Resource>, E> {
                Ok(Vec::new())
            }
            fn visit_seq<A: de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Vec<Resource>, A::Error> {
                let mut out = Vec::with_capacity(self.0);
                while let Some(r) = seq.next_element::<FastResource>()? {
                    out.push(r.0);
                }
                Ok(out)
            }
        }
        d.deserialize_any(V(self.0))
    }
}

/// A collection: `null` (empty) or an array.
fn collection<'de, T: Deserialize<'de>, A: MapAccess<'de>>(
    map: &mut A,
) -> Result<Vec<T>, A::Error> {
    Ok(map.next_value::<Option<Vec<T>>>()?.unwrap_or_default())
}

/// The top-level object: the four collections and `schema`, each at most once.
struct TopVisitor {
    /// Resources to reserve ([`resources_hint`]).
    resources: usize,
}

impl<'de> Visitor<'de> for TopVisitor {
    type Value = Estate;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an estate object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Estate, A::Error> {
        let mut estate = Estate::default();
        let mut seen = 0u64;
        let mut schema = false;
        while let Some(key) = map.next_key::<Str<'de>>()? {
            match &*key.0 {
                "schema" => {
                    take(&mut seen, 1)?;
                    if map.next_value::<Str<'de>>()?.0 != ESTATE_SCHEMA {
                        return Err(no());
                    }
                    schema = true;
                }
                "scopes" => {
                    take(&mut seen, 2)?;
                    estate.scopes = collection::<Scope, _>(&mut map)?;
                }
                // `licenses` is the other spelling of `licences`: both at once is a repeat.
                "licences" | "licenses" => {
                    take(&mut seen, 4)?;
                    estate.licences = collection::<LicenceLine, _>(&mut map)?;
                }
                "resources" => {
                    take(&mut seen, 8)?;
                    estate.resources = map.next_value_seed(Resources(self.resources))?;
                }
                "central_assignments" => {
                    take(&mut seen, 16)?;
                    estate.central_assignments = collection::<CentralAssignment, _>(&mut map)?;
                }
                _ => return Err(no()),
            }
        }
        if !schema {
            return Err(no());
        }
        Ok(estate)
    }
}

#[cfg(test)]
mod tests;
