using System.Text.Json;

namespace M3CoreCRM.Grains.Abstractions.Inventory;

/// <summary>A longitude/latitude rectangle: the bounds of a geometry, or a map's viewport.</summary>
[GenerateSerializer, Immutable, Alias("crm.GeoBounds")]
public sealed record GeoBounds([property: Id(0)] double MinLng, [property: Id(1)] double MinLat, [property: Id(2)] double MaxLng, [property: Id(3)] double MaxLat);

/// <summary>A point as a client gives it: <c>{ lat, lng }</c>.</summary>
[GenerateSerializer, Immutable, Alias("crm.GeoPoint")]
public sealed record GeoPoint([property: Id(0)] double Lat, [property: Id(1)] double Lng);

/// <summary>
/// GeoJSON geometries (RFC 7946) as the inventory stores them: <c>Point</c>, <c>Polygon</c> and
/// <c>MultiPolygon</c>, positions as [longitude, latitude] within range, rings closed and of four
/// positions or more. Validation returns every problem found; a valid geometry is normalised to
/// its <c>type</c> and <c>coordinates</c> (foreign members are dropped) and has bounds.
/// </summary>
public static class GeoJson
{
    /// <summary>More positions than this in one geometry are refused: it keeps validation and storage bounded.</summary>
    public const int MaxPositions = 10_000;

    public static IReadOnlyList<string> Validate(JsonElement geometry, IReadOnlyCollection<string> allowedTypes, out JsonElement normalised, out GeoBounds? bounds)
    {
        normalised = default;
        bounds = null;
        var problems = new List<string>();
        if (geometry.ValueKind != JsonValueKind.Object)
        {
            problems.Add("A GeoJSON geometry object is required.");
            return problems;
        }

        if (!geometry.TryGetProperty("type", out var typeElement) || typeElement.ValueKind != JsonValueKind.String || !allowedTypes.Contains(typeElement.GetString()!))
        {
            problems.Add($"type must be one of: {string.Join(", ", allowedTypes)}.");
            return problems;
        }

        if (!geometry.TryGetProperty("coordinates", out var coordinates) || coordinates.ValueKind != JsonValueKind.Array)
        {
            problems.Add("coordinates must be an array.");
            return problems;
        }

        var type = typeElement.GetString()!;
        var box = new BoundsBuilder();
        switch (type)
        {
            case "Point":
                Position(coordinates, "coordinates", problems, box);
                break;
            case "Polygon":
                Polygon(coordinates, "coordinates", problems, box);
                break;
            case "MultiPolygon":
                if (coordinates.GetArrayLength() == 0)
                {
                    problems.Add("coordinates: a MultiPolygon needs at least one polygon.");
                }

                var index = 0;
                foreach (var polygon in coordinates.EnumerateArray())
                {
                    Polygon(polygon, $"coordinates[{index++}]", problems, box);
                }

                break;
        }

        if (box.Count > MaxPositions)
        {
            problems.Add($"A geometry may have at most {MaxPositions} positions.");
        }

        if (problems.Count == 0)
        {
            normalised = JsonSerializer.SerializeToElement(new { type, coordinates });
            bounds = box.Bounds;
        }

        return problems;
    }

    /// <summary>Parses <c>minLng,minLat,maxLng,maxLat</c>; null with a message when it is not a valid box.</summary>
    public static GeoBounds? ParseBox(string? text, out string? problem)
    {
        problem = null;
        var parts = text?.Split(',') ?? [];
        var values = new double[4];
        if (parts.Length != 4 || !parts.Select((p, i) => double.TryParse(p, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out values[i])).All(ok => ok))
        {
            problem = "bbox must be four numbers: minLng,minLat,maxLng,maxLat.";
            return null;
        }

        var box = new GeoBounds(values[0], values[1], values[2], values[3]);
        if (!InRange(box.MinLng, box.MinLat) || !InRange(box.MaxLng, box.MaxLat))
        {
            problem = "bbox longitudes must be within -180..180 and latitudes within -90..90.";
        }
        else if (box.MinLng > box.MaxLng || box.MinLat > box.MaxLat)
        {
            problem = "bbox minimums must not exceed its maximums (boxes across the antimeridian are not supported).";
        }

        return problem is null ? box : null;
    }

    public static bool InRange(double lng, double lat) => lng is >= -180 and <= 180 && lat is >= -90 and <= 90;

    private static void Polygon(JsonElement polygon, string path, List<string> problems, BoundsBuilder box)
    {
        if (polygon.ValueKind != JsonValueKind.Array || polygon.GetArrayLength() == 0)
        {
            problems.Add($"{path}: a polygon is a non-empty array of linear rings.");
            return;
        }

        var ringIndex = 0;
        foreach (var ring in polygon.EnumerateArray())
        {
            var ringPath = $"{path}[{ringIndex++}]";
            if (ring.ValueKind != JsonValueKind.Array || ring.GetArrayLength() < 4)
            {
                problems.Add($"{ringPath}: a linear ring needs at least four positions.");
                continue;
            }

            var positions = ring.EnumerateArray().ToArray();
            var valid = true;
            for (var i = 0; i < positions.Length && box.Count <= MaxPositions; i++)
            {
                valid &= Position(positions[i], $"{ringPath}[{i}]", problems, box);
            }

            if (valid && !SamePosition(positions[0], positions[^1]))
            {
                problems.Add($"{ringPath}: the ring is not closed (its first and last positions differ).");
            }
        }
    }

    private static bool Position(JsonElement position, string path, List<string> problems, BoundsBuilder box)
    {
        if (position.ValueKind != JsonValueKind.Array || position.GetArrayLength() is < 2 or > 3 || position.EnumerateArray().Any(n => n.ValueKind != JsonValueKind.Number))
        {
            problems.Add($"{path}: a position is [longitude, latitude] (and an optional altitude).");
            return false;
        }

        var lng = position[0].GetDouble();
        var lat = position[1].GetDouble();
        if (!InRange(lng, lat))
        {
            problems.Add($"{path}: longitude must be within -180..180 and latitude within -90..90.");
            return false;
        }

        box.Add(lng, lat);
        return true;
    }

    private static bool SamePosition(JsonElement a, JsonElement b) =>
        a.GetArrayLength() == b.GetArrayLength() && Enumerable.Range(0, a.GetArrayLength()).All(i => a[i].GetDouble() == b[i].GetDouble());

    private sealed class BoundsBuilder
    {
        private double _minLng = double.MaxValue, _minLat = double.MaxValue, _maxLng = double.MinValue, _maxLat = double.MinValue;

        public int Count { get; private set; }

        public GeoBounds Bounds => new(_minLng, _minLat, _maxLng, _maxLat);

        public void Add(double lng, double lat)
        {
            Count++;
            _minLng = Math.Min(_minLng, lng);
            _minLat = Math.Min(_minLat, lat);
            _maxLng = Math.Max(_maxLng, lng);
            _maxLat = Math.Max(_maxLat, lat);
        }
    }
}
