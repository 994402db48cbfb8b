using System.Net;
using Enamel.Server.Access;
using Enamel.Server.DicomWeb;
using Enamel.Server.Operations;
using Enamel.Server.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Enamel.Server.Hosting;

/// <summary>Composes the server: data folder, services, Kestrel (HTTPS only), endpoints.</summary>
public static class EnamelServer
{
    /// <summary>Builds the web application. <paramref name="configure"/> applies command-line overrides after appsettings.json and ENAMEL__* variables.</summary>
    public static async Task<WebApplication> BuildAsync(string[] args, Action<EnamelOptions>? configure = null, CancellationToken ct = default)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        var options = new EnamelOptions();
        builder.Configuration.GetSection(EnamelOptions.Section).Bind(options);
        configure?.Invoke(options);
        Validate(options);

        var time = TimeProvider.System;
        // Only the server creates a data folder, and only the server runs start-up recovery (before it serves).
        var folder = await DataFolder.OpenOrCreateAsync(options, time, ct);
        await folder.RecoverAsync(ct);

        builder.Services.AddEnamel(options, folder, time);
        builder.Services.AddSingleton<Access.RequestAuthentication>();
        builder.Services.AddSingleton<Api.AuditApi.AuditPorts>();
        builder.Services.AddWebPages(options, folder.Master.Current);
        builder.Services.AddEnamelOperations(builder.Configuration);
        builder.Services.AddSingleton<Dimse.DimseService>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<Dimse.DimseService>());
        builder.Services.AddResponseCompression(c =>
        {
            c.EnableForHttps = true; // metadata carries no secrets an attacker controls alongside (no BREACH-style reflection)
            c.MimeTypes = ["application/dicom+json", "application/json"];
        });
        if (CorsSetup.Enabled(options)) CorsSetup.Add(builder.Services, options);

        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = options.MaxUploadBytes;
            k.AddServerHeader = false;
            ResponseHardening.ConfigureLimits(k.Limits); // oversized requests reach the pipeline and are refused there, with the headers
            k.Listen(IPAddress.Parse(options.ListenAddress), options.HttpsPort, listen =>
            {
                listen.Protocols = HttpProtocols.Http1AndHttp2;
                listen.UseHttps(https =>
                {
                    https.ServerCertificate = folder.Certificate;
                    https.SslProtocols = System.Security.Authentication.SslProtocols.Tls12 | System.Security.Authentication.SslProtocols.Tls13;
                });
            });
        });
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        // Request lines carry query strings (patient names in QIDO): framework request logging stays off.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);

        var app = builder.Build();
        app.UseRequestMetrics(); // outermost: sees every request's final status, 500s from the hardening below included
        app.Use(ResponseHardening.InvokeAsync); // outermost: security headers on every response, 500s as problem documents
        app.Use(Language.Apply); // the pages' language (UI culture only)
        if (options.TrustedProxies.Length > 0) app.UseForwardedHeaders(ForwardedFrom(options.TrustedProxies));
        app.UseResponseCompression();
        if (CorsSetup.Enabled(options)) app.UseCors();
        app.UseRouting();
        app.Use(WebEndpoints.SendBrowsersToSignIn);
        app.Use(Access.AccessGate.InvokeAsync); // after routing: every endpoint's access marker is known here
        app.MapGet("/health", () => Results.Ok(new { status = "ok" })).Public();
        app.MapOperations();
        app.MapDicomWeb();
        Api.AuditApi.MapAuditApi(app);
        Api.BreakGlassApi.MapBreakGlassApi(app);
        Features.Patients.PatientsApi.MapPatientsApi(app);
        Api.RecordsApi.MapRecordsApi(app);
        Api.EntriesApi.MapEntriesApi(app);
        Fhir.FhirEndpoints.MapFhir(app);
        app.MapWebPages();
        // Every item an endpoint names has an owner resolver for its kind: fail at start, not on the first request.
        Access.AccessGate.CheckItems(((IEndpointRouteBuilder)app).DataSources.SelectMany(d => d.Endpoints), app.Services.GetRequiredService<Enamel.Core.Records.RecordOwners>());
        return app;
    }

    /// <summary>X-Forwarded-For from exactly these proxies (the framework's loopback defaults removed), walked right to left over trusted hops.</summary>
    private static ForwardedHeadersOptions ForwardedFrom(string[] proxies)
    {
        var forwarded = new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedFor, ForwardLimit = null };
        forwarded.KnownProxies.Clear();
        forwarded.KnownIPNetworks.Clear();
        foreach (var p in proxies)
            forwarded.KnownIPNetworks.Add(ProxyNetwork(p) ?? throw new InvalidOperationException($"Enamel:TrustedProxies entry '{p}' is not valid"));
        return forwarded;
    }

    /// <summary>"10.0.0.0/24" as it is, "10.0.0.5" as a network of that one address; null when neither.</summary>
    private static System.Net.IPNetwork? ProxyNetwork(string text) =>
        System.Net.IPNetwork.TryParse(text, out var network) ? network
        : IPAddress.TryParse(text, out var address) ? new System.Net.IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128)
        : null;

    private static void Validate(EnamelOptions o)
    {
        o.ValidateShared();
        foreach (var p in o.TrustedProxies)
            if (ProxyNetwork(p) is null)
                throw new InvalidOperationException($"Enamel:TrustedProxies entry '{p}' is neither an IP address nor a CIDR network");
        if (!IPAddress.TryParse(o.ListenAddress, out _)) throw new InvalidOperationException($"Enamel:ListenAddress '{o.ListenAddress}' is not an IP address");
        if (o.HttpsPort is < 0 or > 65535) throw new InvalidOperationException($"Enamel:HttpsPort {o.HttpsPort} is out of range");
        if (o.DicomPeers.Any(p => p.AeTitle.Length is 0 or > 16 || p.Host.Length == 0 || p.Port is < 1 or > 65535))
            throw new InvalidOperationException("every Enamel:DicomPeers entry needs an AeTitle (1-16 characters), a Host and a Port");
        if (o.DicomPort is < 0 or > 65535) throw new InvalidOperationException($"Enamel:DicomPort {o.DicomPort} is out of range");
        if (o.AeTitle.Length is 0 or > 16) throw new InvalidOperationException($"Enamel:AeTitle must be 1 to 16 characters");
        if (o.MaxInflatedBytes < 64 * 1024) throw new InvalidOperationException($"Enamel:MaxInflatedBytes {o.MaxInflatedBytes} is below 65536");
        if (o.PublicUrl is { } url && !(Uri.TryCreate(url, UriKind.Absolute, out var u) && u.Scheme == Uri.UriSchemeHttps && u.Query.Length == 0 && u.Fragment.Length == 0))
            throw new InvalidOperationException($"Enamel:PublicUrl '{url}' is not an absolute https URL without query or fragment");
        if (o.MaxAssociations < 1) throw new InvalidOperationException($"Enamel:MaxAssociations must be at least 1 (is {o.MaxAssociations})");
        if (o.MaxAssociationsPerCallingAe < 1) throw new InvalidOperationException($"Enamel:MaxAssociationsPerCallingAe must be at least 1 (is {o.MaxAssociationsPerCallingAe})");
        if (o.MaxAssociationsPerAddress < 1) throw new InvalidOperationException($"Enamel:MaxAssociationsPerAddress must be at least 1 (is {o.MaxAssociationsPerAddress})");
        if (o.MaxUnknownAeAssociations < 0 || o.MaxUnknownAeAssociations >= o.MaxAssociations)
            throw new InvalidOperationException($"Enamel:MaxUnknownAeAssociations must be from 0 to Enamel:MaxAssociations - 1 (is {o.MaxUnknownAeAssociations}), so mapped AEs always have room");
        if (o.EchoOnlyReleaseSeconds < 0) throw new InvalidOperationException($"Enamel:EchoOnlyReleaseSeconds must be 0 (never) or more (is {o.EchoOnlyReleaseSeconds})");
    }
}
