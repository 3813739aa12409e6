using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using M3CoreCRM.Testing;
using M3CoreCRM.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using MimeKit;
using Npgsql;
using SmtpServer;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace M3CoreCRM.Tests.Integrations;

/// <summary>
/// One ApiHost on its own database whose delivery outbox retries fast (3 tries, 50 ms apart and doubling), with every
/// log line of the process kept in <see cref="Logs"/> so that tests can search them for secrets.
/// </summary>
public abstract class IntegrationTestBase(PostgresFixture postgres) : IAsyncLifetime
{
    protected const int MaxAttempts = 3;

    private ApiFactory? _api;

    protected ApiFactory Api => _api!;

    protected HttpClient Http { get; private set; } = null!;

    protected string ConnectionString { get; private set; } = "";

    protected LogCapture Logs { get; } = new();

    public async Task InitializeAsync()
    {
        ConnectionString = await postgres.Server.CreateDatabaseAsync("integrations");
        _api = new ApiFactory(ConnectionString, new Dictionary<string, string>
        {
            ["Integrations:Delivery:MaxAttempts"] = MaxAttempts.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Integrations:Delivery:RetryDelay"] = "00:00:00.050",
            ["Integrations:Delivery:PollInterval"] = "00:00:00.200",
            ["Integrations:Delivery:SendTimeout"] = "00:00:05",
            ["Logging:LogLevel:Default"] = "Information",
            ["Logging:LogLevel:M3CoreCRM"] = "Debug",
        }, builder => builder.ConfigureServices(services => services.AddSingleton<ILoggerProvider>(Logs)));
        Http = _api.CreateClient();
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        await Api.DisposeAsync();
    }

    /// <summary>Rows read straight from the database across tenants (as the runtime's own jobs read them).</summary>
    protected async Task<List<T>> QueryAsSystemAsync<T>(string sql, Func<NpgsqlDataReader, T> row, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var scope = new NpgsqlCommand("SELECT set_config('m3.system', 'on', true)", connection, transaction))
        {
            await scope.ExecuteNonQueryAsync();
        }

        await using var command = new NpgsqlCommand(sql, connection, transaction);
        foreach (var parameter in parameters)
        {
            command.Parameters.AddWithValue(parameter);
        }

        var rows = new List<T>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                rows.Add(row(reader));
            }
        }

        await transaction.CommitAsync();
        return rows;
    }

    internal static int FreePortForServers() => FreePort();

    protected static int FreePort() => OrleansTestSettings.FreePort();
}

/// <summary>Keeps every log line of the process, with its exception, as text.</summary>
public sealed class LogCapture : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyList<string> Lines => [.. _lines];

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _lines);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue($"{category}: {formatter(state, exception)} {exception}");
    }
}

/// <summary>A real SMTP server (the SmtpServer package) on a loopback port, keeping the messages it receives.</summary>
public sealed class TestSmtpServer : MessageStore, IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<MimeMessage> _received = new();
    private readonly Task _running;

    public TestSmtpServer()
    {
        Port = IntegrationTestBase.FreePortForServers();
        var options = new SmtpServerOptionsBuilder().ServerName("localhost").Port(Port).Build();
        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(this);
        _running = new SmtpServer.SmtpServer(options, services).StartAsync(_stop.Token);
    }

    public int Port { get; }

    public IReadOnlyList<MimeMessage> Received => [.. _received];

    public override Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
    {
        using var stream = new MemoryStream(buffer.ToArray());
        _received.Enqueue(MimeMessage.Load(stream, cancellationToken));
        return Task.FromResult(SmtpResponse.Ok);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _running;
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }
}
