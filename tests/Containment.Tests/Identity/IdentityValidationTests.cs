using Containment.Identity;
using Containment.Namespaces;

namespace Containment.Tests.Identity;

public class IdentityValidationTests
{
    private static readonly ContainerSpec Spec = ContainerSpec.HostReadOnly().WithProcess(p => p.Args("true"));

    private static List<string> Errors(ContainerSpec spec) =>
        IdentityValidator.Validate(spec, lastCap: 40).Select(e => $"{e.Field}: {e.Message}").ToList();

    [Test]
    public void A_mapped_user_namespace_is_valid_and_makes_the_user_namespace_new()
    {
        var spec = Spec.WithUserNamespace(u => u.MapUser(0, 100000, 65536).MapGroup(0, 100000, 65536));
        Assert.That(spec.Namespaces.IsNew(NamespaceKind.User), Is.True);
        Assert.That(spec.Validate(), Is.Empty);
        Assert.That(UserNamespaceSpec.MapText(spec.UserNamespace!.UidMappings), Is.EqualTo("0 100000 65536\n"));
    }

    [Test]
    public void A_new_user_namespace_without_mappings_is_refused()
    {
        Assert.That(Errors(Spec.WithNamespaces(n => n.With(NamespaceKind.User))), Is.EqualTo(new[] { "namespaces.user: a new user namespace needs id mappings: use WithUserNamespace" }));
        var onlyUsers = Errors(Spec.WithUserNamespace(u => u.MapUser(0, 100000, 10)));
        Assert.That(onlyUsers, Has.Some.EqualTo("userNamespace.gidMappings: a new user namespace needs at least one gid mapping"));
    }

    [Test]
    public void Empty_overlapping_overflowing_and_too_many_lines_are_each_reported()
    {
        var spec = Spec.WithUserNamespace(u =>
        {
            u.MapUser(0, 100000, 100).MapUser(50, 200000, 10).MapUser(200, 100050, 10).MapUser(300, 300000, 0).MapUser(4294967290, 5, 100);
            u.MapGroup(0, 100000, 1);
            for (uint i = 1; i <= 340; i++)
                u.MapGroup(i, 100000 + i, 1);
        });
        Assert.That(Errors(spec), Is.EquivalentTo(new[]
        {
            "userNamespace.uidMappings[1]: '50 200000 10' overlaps '0 100000 100' inside the container",
            "userNamespace.uidMappings[2]: '200 100050 10' overlaps '0 100000 100' on the host",
            "userNamespace.uidMappings[3]: '300 300000 0' maps no ids (size 0)",
            "userNamespace.uidMappings[4]: '4294967290 5 100' runs past the last valid uid (4294967294)",
            "userNamespace.gidMappings: 341 lines; the kernel accepts at most 340",
        }));
    }

    [Test]
    public void Root_and_the_process_ids_must_be_mapped()
    {
        var spec = Spec.WithUserNamespace(u => u.MapUser(1, 100000, 10).MapGroup(1, 100000, 10)).WithProcess(p => p.User(5, 50, 7, 70));
        Assert.That(Errors(spec), Is.EquivalentTo(new[]
        {
            "userNamespace.uidMappings: container uid 0 must be mapped: the container is set up as root inside its user namespace",
            "userNamespace.gidMappings: container gid 0 must be mapped: the container is set up as root inside its user namespace",
            "process.user.gid: gid 50 is not mapped in the container's user namespace",
            "process.user.additionalGids: gid 70 is not mapped in the container's user namespace",
        }));
    }

    [Test]
    public void Mappings_without_a_new_user_namespace_are_refused()
    {
        var spec = Spec.WithUserNamespace(u => u.MapUser(0, 1000).MapGroup(0, 1000)).WithNamespaces(n => n.Without(NamespaceKind.User));
        Assert.That(Errors(spec), Is.EqualTo(new[] { "userNamespace: id mappings are set but the container has no new user namespace" }));
    }

    [Test]
    public void Bad_process_identity_values_are_reported()
    {
        var spec = Spec.WithProcess(p => p.User(uint.MaxValue, 0).Umask(0x200).OomScoreAdj(1001)
            .Rlimit(ResourceLimit.Nofile, 10, 5).Rlimit((ResourceLimit)16, 1, 1));
        Assert.That(Errors(spec), Is.EquivalentTo(new[]
        {
            "process.user.uid: 4294967295 is not a valid uid",
            "process.user.umask: 1000 is not a mode mask (0 … 0777)",
            "process.rlimits[0]: RLIMIT_NOFILE=10:5: the soft limit is above the hard limit",
            "process.rlimits[1]: 16 is not a resource limit",
            "process.oomScoreAdj: 1001 is outside -1000 … 1000",
        }));
    }

    [Test]
    public void Setting_the_same_rlimit_twice_replaces_it_and_duplicates_from_a_list_are_refused()
    {
        var spec = Spec.WithProcess(p => p.Rlimit(ResourceLimit.Nofile, 1, 2).Rlimit(ResourceLimit.Nofile, 3, 4));
        Assert.That(spec.Process.Rlimits, Is.EqualTo(new[] { new Rlimit(ResourceLimit.Nofile, 3, 4) }));
        var dup = Spec.WithProcess(Spec.Process with { Rlimits = [new Rlimit(ResourceLimit.Core, 0, 0), new Rlimit(ResourceLimit.Core, 1, 1)] });
        Assert.That(Errors(dup), Is.EqualTo(new[] { "process.rlimits[1]: RLIMIT_CORE is set more than once" }));
    }

    [Test]
    public void Clock_offsets_and_personality_are_checked()
    {
        Assert.That(Spec.WithTimeOffsets(TimeSpan.FromSeconds(1), TimeSpan.Zero).Namespaces.IsNew(NamespaceKind.Time), Is.True);
        var noTime = Spec.WithTimeOffsets(TimeSpan.FromSeconds(1), TimeSpan.Zero).WithNamespaces(n => n.Without(NamespaceKind.Time));
        Assert.That(Errors(noTime), Is.EqualTo(new[] { "timeOffsets: clock offsets need a new time namespace" }));
        Assert.That(Errors(Spec.WithPersonality((Personality)0x42)), Is.EqualTo(new[] { "personality: 0x42 is not a supported personality (LINUX, LINUX32)" }));
    }

    [Test]
    public void Time_offsets_are_written_as_seconds_and_non_negative_nanoseconds()
    {
        Assert.That(new TimeOffsets(TimeSpan.FromSeconds(86400), TimeSpan.FromMilliseconds(1500)).ToProcText(), Is.EqualTo("monotonic 86400 0\nboottime 1 500000000\n"));
        Assert.That(new TimeOffsets(TimeSpan.FromMilliseconds(-1500), TimeSpan.Zero).ToProcText(), Is.EqualTo("monotonic -2 500000000\nboottime 0 0\n"));
    }
}
