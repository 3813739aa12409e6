using M3CoreCRM.Grains.Abstractions.Billing;
using M3CoreCRM.Grains.Abstractions.Deals;
using M3CoreCRM.Grains.Billing;
using Microsoft.Extensions.Options;
using M3CoreCRM.Grains.Abstractions.Identity;
using M3CoreCRM.Grains.Events;
using M3CoreCRM.Grains.Persistence;

namespace M3CoreCRM.Grains.Identity;

public sealed class TenantState
{
    public string Name { get; set; } = "";

    public string Slug { get; set; } = "";

    public TenantStatus Status { get; set; }

    public string Plan { get; set; } = "free";

    /// <summary>The plan's billing status as Stripe names a subscription's (<c>active</c>, <c>past_due</c>, <c>canceled</c>, ...).</summary>
    public string PlanStatus { get; set; } = "active";

    public string? BillingEmail { get; set; }

    public string? StripeCustomerId { get; set; }

    public string? StripeSubscriptionId { get; set; }

    /// <summary>When the last applied Stripe event was created: an older one arriving late changes nothing.</summary>
    public DateTimeOffset? BillingEventAt { get; set; }

    public TenantSettings Settings { get; set; } = TenantSettings.Default;

    public Dictionary<string, Guid> BuiltInRoleIds { get; set; } = [];

    public List<LeadStatusDefinition> LeadStatuses { get; set; } = [];

    public List<LeadSourceDefinition> LeadSources { get; set; } = [];

    /// <summary>The owner to create while provisioning; cleared once they exist.</summary>
    public NewTenantOwner? PendingOwner { get; set; }

    /// <summary>The id of the pipeline every tenant starts with (created while provisioning; null for tenants from before it).</summary>
    public Guid? DefaultPipelineId { get; set; }

    public DateTime CreatedAt { get; set; }
}

[GrainType("tenant")]
public sealed class TenantGrain([PersistentState("tenants", CrmStorage.Name)] IPersistentState<TenantState> state, IOptionsMonitor<BillingPlans> plans) : CrmGrain, ITenantGrain, IRemindable
{
    private const string ProvisioningReminder = "provisioning";

    public async Task<TenantInfo> CreateAsync(CreateTenant command)
    {
        if (state.RecordExists)
        {
            throw new DomainException(DomainErrorKind.Conflict, "tenant_exists", "This tenant already exists.");
        }

        state.State = new TenantState
        {
            Name = command.Name,
            Slug = command.Slug,
            Status = TenantStatus.Provisioning,
            Plan = BillingPlans.Names.Contains(plans.CurrentValue.DefaultPlan) ? plans.CurrentValue.DefaultPlan : BillingPlans.Free,
            BuiltInRoleIds = BuiltInRoles.Names.ToDictionary(name => name, _ => Guid.CreateVersion7()),
            LeadStatuses =
            [
                new(Guid.CreateVersion7(), "New", "open"),
                new(Guid.CreateVersion7(), "Contacted", "open"),
                new(Guid.CreateVersion7(), "Qualified", "open"),
                new(Guid.CreateVersion7(), "Won", "won"),
                new(Guid.CreateVersion7(), "Lost", "lost"),
            ],
            LeadSources =
            [
                new(Guid.CreateVersion7(), "Website"),
                new(Guid.CreateVersion7(), "Referral"),
                new(Guid.CreateVersion7(), "Walk-in"),
                new(Guid.CreateVersion7(), "Cold call"),
                new(Guid.CreateVersion7(), "Social media"),
            ],
            PendingOwner = command.Owner,
            DefaultPipelineId = Guid.CreateVersion7(),
            CreatedAt = DateTime.UtcNow,
        };

        try
        {
            await state.WriteStateAsync([new GrainEvent("tenant.created", "tenant", TenantId, new { command.Name, command.Slug })]);
        }
        catch (UniqueConstraintException)
        {
            throw new DomainException(DomainErrorKind.Conflict, "slug_taken", $"The slug '{command.Slug}' is taken.");
        }

        // If this process dies before provisioning finishes, the reminder finishes it.
        await RemindOnceAsync(ProvisioningReminder, TimeSpan.FromSeconds(30));
        await ProvisionAsync();
        return Info();
    }

    public Task<TenantInfo> GetAsync() => state.RecordExists
        ? Task.FromResult(Info())
        : throw DomainException.NotFound("The tenant");

    public async Task<TenantInfo> UpdateAsync(UpdateTenant command, long? expectedVersion)
    {
        EnsureExists();
        Concurrency.Check(state.Version, expectedVersion);
        var changes = new Dictionary<string, FieldChange>();
        if (command.Name is { } name && name != state.State.Name)
        {
            changes["name"] = new FieldChange(state.State.Name, name);
            state.State.Name = name;
        }

        if (command.Settings is { } settings && settings != state.State.Settings)
        {
            changes["settings"] = new FieldChange(state.State.Settings, settings);
            state.State.Settings = settings;
        }

        if (changes.Count > 0)
        {
            await state.WriteStateAsync([new GrainEvent("tenant.updated", "tenant", TenantId, new { state.State.Name, state.State.Settings }, changes)]);
        }

        return Info();
    }

    public Task<TenantBilling> GetBillingAsync()
    {
        EnsureExists();
        return Task.FromResult(Billing());
    }

    public async Task<TenantBilling> SetBillingEmailAsync(string? email, long? expectedVersion)
    {
        EnsureExists();
        Concurrency.Check(state.Version, expectedVersion);
        if (email != state.State.BillingEmail)
        {
            var changes = new Dictionary<string, FieldChange> { ["billingEmail"] = new(state.State.BillingEmail, email) };
            state.State.BillingEmail = email;
            await state.WriteStateAsync([new GrainEvent("tenant.billing_updated", "tenant", TenantId, new { billingEmail = email }, changes)]);
        }

        return Billing();
    }

    public async Task<TenantBilling> ApplyBillingAsync(BillingChange change)
    {
        EnsureExists();
        var s = state.State;
        if ((change.EventAt is { } eventAt && s.BillingEventAt is { } last && eventAt < last)
            || (change.EndsSubscription && s.StripeSubscriptionId is { } current && change.SubscriptionId != current))
        {
            return Billing();
        }

        var changes = new Dictionary<string, FieldChange>();
        if (change.Plan is { } plan && plan != s.Plan)
        {
            changes["plan"] = new FieldChange(s.Plan, plan);
            s.Plan = plan;
        }

        if (change.Status is { } status && status != s.PlanStatus)
        {
            changes["planStatus"] = new FieldChange(s.PlanStatus, status);
            s.PlanStatus = status;
        }

        if (change.CustomerId is { } customerId && customerId != s.StripeCustomerId)
        {
            changes["stripeCustomerId"] = new FieldChange(s.StripeCustomerId, customerId);
            s.StripeCustomerId = customerId;
        }

        if (change.SubscriptionId is { } subscriptionId && subscriptionId != s.StripeSubscriptionId)
        {
            changes["stripeSubscriptionId"] = new FieldChange(s.StripeSubscriptionId, subscriptionId);
            s.StripeSubscriptionId = subscriptionId;
        }

        if (change.EventAt is { } at)
        {
            s.BillingEventAt = at;
        }

        if (changes.Count > 0)
        {
            var type = changes.ContainsKey("plan") ? "tenant.plan_changed" : "tenant.billing_updated";
            await state.WriteStateAsync([new GrainEvent(type, "tenant", TenantId, new { plan = s.Plan, status = s.PlanStatus, stripeEventId = change.EventId }, changes)]);
        }
        else if (change.EventAt is not null)
        {
            await state.WriteStateAsync();
        }

        if (changes.ContainsKey("plan"))
        {
            await GrainFactory.GetGrain<IPlanUsageGrain>(TenantId, TenantId).RefreshAsync();
        }

        return Billing();
    }

    public Task ReceiveReminder(string reminderName, TickStatus status) => HandleOnceAsync(reminderName, () => OnReminderAsync(reminderName));

    private async Task OnReminderAsync(string reminderName)
    {
        if (reminderName == ProvisioningReminder)
        {
            await ProvisionAsync();
        }
    }

    // Every step is idempotent (each grain's create accepts a repeat of itself), so a repeat after a crash completes what is missing.
    private async Task ProvisionAsync()
    {
        if (state.State.Status != TenantStatus.Provisioning)
        {
            await ForgetReminderAsync(ProvisioningReminder);
            return;
        }

        foreach (var (name, roleId) in state.State.BuiltInRoleIds)
        {
            var role = GrainFactory.GetGrain<IRoleGrain>(TenantId, roleId);
            await role.CreateAsync(new SaveRole(name, BuiltInRoles.GrantsOf(name)), builtIn: name);
        }

        if (state.State.DefaultPipelineId is { } pipelineId)
        {
            try
            {
                await GrainFactory.GetGrain<IPipelineGrain>(TenantId, pipelineId).CreateAsync(new PipelineFields("Sales",
                [
                    new(Guid.CreateVersion7(), "New enquiry", 10, 10),
                    new(Guid.CreateVersion7(), "Viewing", 20, 30),
                    new(Guid.CreateVersion7(), "Negotiation", 30, 60),
                    new(Guid.CreateVersion7(), "Reservation", 40, 80),
                ]));
            }
            catch (DomainException exception) when (exception.Code == "pipeline_exists")
            {
                // Created by an earlier attempt that did not get to finish provisioning.
            }
        }

        if (state.State.PendingOwner is { } owner)
        {
            var user = GrainFactory.GetGrain<IUserGrain>(TenantId, owner.UserId);
            await user.CreateAsync(new CreateUser(owner.Name, owner.Email, null, [state.State.BuiltInRoleIds[BuiltInRoles.Owner]], owner.PasswordHash, null, null));
        }

        state.State.PendingOwner = null;
        state.State.Status = TenantStatus.Active;
        await state.WriteStateAsync([new GrainEvent("tenant.activated", "tenant", TenantId, new { state.State.Slug })]);
        await ForgetReminderAsync(ProvisioningReminder);
    }

    private void EnsureExists()
    {
        if (!state.RecordExists)
        {
            throw DomainException.NotFound("The tenant");
        }
    }

    private TenantBilling Billing() => new(
        state.State.Plan, state.State.PlanStatus, state.State.BillingEmail, state.State.StripeCustomerId, state.State.StripeSubscriptionId, state.Version);

    private TenantInfo Info() => new(
        TenantId,
        state.State.Name,
        state.State.Slug,
        state.State.Status,
        state.State.Plan,
        state.State.Settings,
        state.State.BuiltInRoleIds,
        state.State.LeadStatuses,
        state.State.LeadSources,
        new DateTimeOffset(state.State.CreatedAt, TimeSpan.Zero),
        state.Version);
}
