using M3CoreCRM.Grains.Notifications;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;
using NpgsqlTypes;

namespace M3CoreCRM.Silo.Integrations;

/// <summary>Wires the integrations: Data Protection on the PostgreSQL key ring, the settings store, the providers and the delivery outbox.</summary>
public static class IntegrationsSetup
{
    /// <summary>
    /// The settings, the providers and the outbox as this process's <see cref="INotificationOutbox"/>. The worker that
    /// sends the outbox runs where grains run (<see cref="AddM3DeliveryWorker"/>). Needs <c>AddM3Postgres</c>.
    /// </summary>
    public static IHostApplicationBuilder AddM3Integrations(this IHostApplicationBuilder builder)
    {
        if (builder.Services.Any(s => s.ServiceType == typeof(IntegrationStore)))
        {
            return builder;
        }

        builder.Services.AddDataProtection().SetApplicationName("M3CoreCRM");
        builder.Services.AddOptions<KeyManagementOptions>().Configure<NpgsqlDataSource>((options, db) => options.XmlRepository = new PostgresXmlRepository(db));
        builder.Services.AddOptions<DeliveryOptions>().Bind(builder.Configuration.GetSection(DeliveryOptions.Section));
        builder.Services.AddSingleton<IntegrationStore>();
        builder.Services.AddSingleton<SmtpSender>();
        builder.Services.AddHttpClient<InfobipClient>();
        builder.Services.AddHttpClient<TwilioVoipProvider>();
        builder.Services.AddTransient<IVoipProvider>(services => services.GetRequiredService<TwilioVoipProvider>());
        builder.Services.AddTransient<VoipProviders>();
        builder.Services.AddSingleton<DeliverySenders>();
        builder.Services.AddSingleton<DeliverySignal>();
        builder.Services.TryAddSingleton<DevelopmentOutbox>();
        builder.Services.AddSingleton<DeliveryOutbox>();
        builder.Services.TryAddSingleton<INotificationOutbox>(services => services.GetRequiredService<DeliveryOutbox>());
        return builder;
    }

    /// <summary>The worker that sends the delivery outbox (in the processes that run grains).</summary>
    public static IHostApplicationBuilder AddM3DeliveryWorker(this IHostApplicationBuilder builder)
    {
        builder.AddM3Integrations();
        builder.Services.AddHostedService<DeliveryWorker>();
        return builder;
    }

    public static NpgsqlBatchCommand WithText(this NpgsqlBatchCommand command, string? value)
    {
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)value ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        return command;
    }
}
