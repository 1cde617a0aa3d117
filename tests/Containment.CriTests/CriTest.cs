namespace Containment.CriTests;

/// <summary>
/// A test fixture run once per runtime handler: <c>runc</c> is the reference (a test that fails with runc is wrong),
/// <c>containment</c> is what is tested. After each test, whatever pod a failure left is stopped and removed.
/// </summary>
[TestFixture("runc")]
[TestFixture("containment")]
public abstract class CriTest(string handler)
{
    protected string Handler { get; } = handler;

    [TearDown]
    public Task RemoveLeftoverPodsAsync() => Node.Containerd.RemoveAllPodsAsync();
}
