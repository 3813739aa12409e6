using System.Text.Json;
using M3CoreCRM.Grains.Abstractions.Identity;
using M3CoreCRM.Grains.Abstractions.Events;
using M3CoreCRM.Grains.Events;

namespace M3CoreCRM.Tests.Live;

public sealed class EventVisibilityTests
{
    private static readonly Guid Me = Guid.CreateVersion7();
    private static readonly Guid Teammate = Guid.CreateVersion7();
    private static readonly Guid Stranger = Guid.CreateVersion7();

    [Theory]
    [InlineData(PermissionScope.Own, true, false, false)]
    [InlineData(PermissionScope.Group, true, true, false)]
    [InlineData(PermissionScope.All, true, true, true)]
    public void LeadEventsFollowTheReadersScope(PermissionScope scope, bool mine, bool teammates, bool strangers)
    {
        var viewer = Viewer((Permissions.LeadsRead, scope));
        Assert.Equal(mine, viewer.CanSee(Event("lead", new { ownerId = Me })));
        Assert.Equal(teammates, viewer.CanSee(Event("lead", new { ownerId = Teammate })));
        Assert.Equal(strangers, viewer.CanSee(Event("lead", new { ownerId = Stranger })));
    }

    [Fact]
    public void AnAssigneeSeesTheRecordAssignedToThem()
    {
        var viewer = Viewer((Permissions.TasksRead, PermissionScope.Own));
        Assert.True(viewer.CanSee(Event("task", new { ownerId = Stranger, assigneeId = Me })));
        Assert.False(viewer.CanSee(Event("task", new { ownerId = Stranger, assigneeId = Teammate })));
    }

    [Fact]
    public void WithoutThePermissionNothingOfThatKindIsSent()
    {
        var viewer = Viewer((Permissions.LeadsRead, PermissionScope.All));
        Assert.False(viewer.CanSee(Event("deal", new { ownerId = Me })));
        Assert.False(viewer.CanSee(Event("unit", new { })));
        Assert.False(viewer.CanSee(Event("role", new { })));
    }

    [Fact]
    public void NotificationsGoOnlyToTheirRecipient()
    {
        var viewer = Viewer((Permissions.UsersManage, PermissionScope.All), (Permissions.LeadsRead, PermissionScope.All));
        Assert.True(viewer.CanSee(Event("notification", new { recipientId = Me })));
        Assert.False(viewer.CanSee(Event("notification", new { recipientId = Teammate })));
    }

    [Fact]
    public void ApprovalsGoToTheRequesterTheApproversAndTheirManagers()
    {
        var approval = Event("approval", new { requesterId = Stranger, approverIds = new[] { Teammate, Me } });
        Assert.True(Viewer().CanSee(approval));
        Assert.False(Viewer().CanSee(Event("approval", new { requesterId = Stranger, approverIds = new[] { Teammate } })));
        Assert.True(Viewer((Permissions.ApprovalsManage, PermissionScope.All)).CanSee(Event("approval", new { requesterId = Stranger })));
    }

    [Fact]
    public void KindsOfRecordNotListedAreSentToNoOne()
    {
        var everything = Viewer([.. Permissions.Names.Select(p => (p, PermissionScope.All))]);
        Assert.False(everything.CanSee(Event("secret_thing", new { ownerId = Me })));
    }

    private static EventViewer Viewer(params (string Permission, PermissionScope Scope)[] grants) =>
        new(Me, grants.ToDictionary(g => g.Permission, g => g.Scope), new HashSet<Guid> { Me, Teammate });

    private static StoredEvent Event(string entityType, object data) =>
        new(Guid.Empty, 1, entityType + ".changed", entityType, Guid.CreateVersion7(), JsonSerializer.SerializeToElement(data), DateTimeOffset.UtcNow);
}
