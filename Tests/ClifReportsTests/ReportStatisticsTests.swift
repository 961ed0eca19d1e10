import ClifCore
import ClifReports
import Testing

/// The fixture's latest run, by hand. Successful durations (ms), both injectors merged:
///   get home: inj1 100, 200, 300; inj2 400, 500 — 1 failure (inj1, 3000 ms)
///   login:    inj1 50, 70;        inj2 60      — 1 failure (inj2, timeout)
/// Window: the earliest `running` (100 ms, both) to the latest end (inj1 completed at
/// 4100 ms; inj2 aborted at 3900 ms): 4.000 s.
@Suite("Statistics from raw events")
struct ReportStatisticsTests {
    @Test func rowsPerActionTypeAndGlobalLoadMatchTheHandComputation() throws {
        let statistics = ReportStatistics(run: try Fixtures.latest())
        #expect(statistics.window == RunWindow(start: 100, end: 4100))
        #expect(statistics.rows.map(\.key) == ["get home", "login"])

        let home = try #require(statistics.row("get home"))
        // 5 calls; mean (100+200+300+400+500)/5 = 300; median: position 0.5·6 = 3 → 300;
        // sd: deviations ±200, ±100, 0 → (40000+10000+0+10000+40000)/4 = 25000 → 158.114;
        // throughput 5/4.000 = 1.25; p90: position 0.9·6 = 5.4 ≥ 5 → the max, 500.
        #expect(home.calls == 5)
        #expect(home.errors == 1)
        #expect(home.min == 100)
        #expect(home.max == 500)
        #expect(home.mean == 300)
        #expect(home.median == 300)
        #expect(abs(home.standardDeviation - 158.11388) < 1e-5)
        #expect(home.throughput == 1.25)
        #expect(home.p90 == 500)
        #expect(home.p999 == 500)
        // 1 failed of 6 events.
        #expect(abs(home.errorPercent - 100.0 / 6) < 1e-9)

        let login = try #require(statistics.row("login"))
        // 50, 60, 70: mean 60, median 60, sd √((100+0+100)/2) = 10, throughput 3/4 = 0.75.
        #expect([login.calls, login.errors] == [3, 1])
        #expect([login.min, login.max] == [50, 70])
        #expect([login.mean, login.median, login.standardDeviation, login.throughput] == [60, 60, 10, 0.75])

        let global = statistics.global
        // Sorted: 50 60 70 100 200 300 400 500; mean 1680/8 = 210; median: position 4.5 →
        // 100 + 0.5·(200 − 100) = 150; squared deviations from 210: 25600 22500 19600 12100
        // 100 8100 36100 84100 = 208200, /7 = 29742.857 → sd 172.461; throughput 8/4 = 2.
        #expect(global.key == "GLOBAL LOAD")
        #expect([global.calls, global.errors] == [8, 2])
        #expect([global.min, global.max] == [50, 500])
        #expect(global.mean == 210)
        #expect(global.median == 150)
        #expect(abs(global.standardDeviation - 172.46118) < 1e-5)
        #expect(global.throughput == 2)
    }

    @Test func theTableHasCLIFsColumnsAndLayout() throws {
        let statistics = ReportStatistics(run: try Fixtures.latest())
        let lines = statistics.tabSeparated.split(separator: "\n")
        #expect(lines[0] == "action type\tcalls\tmin\tmax\tmean\tmedian\tstd dev\tthroughput\terrors\tp90\tp99\tp99.9")
        #expect(lines[1] == "get home\t5\t100\t500\t300.000\t300.000\t158.114\t1.250\t1\t500.000\t500.000\t500.000")
        // GLOBAL LOAD p90: position 0.9·9 = 8.1 ≥ 8 → the max.
        #expect(lines[3] == "GLOBAL LOAD\t8\t50\t500\t210.000\t150.000\t172.461\t2.000\t2\t500.000\t500.000\t500.000")
        #expect(statistics.table.contains("throughput in calls/s over 4.000 s (100 ms to 4100 ms)"))
    }

    @Test func rowsCanBeKeyedByActionTypeAndCommentAsTheJenkinsPlugin() throws {
        let statistics = ReportStatistics(run: try Fixtures.latest(), options: StatisticsOptions(key: .actionTypeAndComment))
        #expect(statistics.rows.map(\.key) == ["get home-page one", "get home-page two", "login-form"])
        // page one: 100, 300 (inj1), 400 (inj2) and the failure; page two: 200, 500.
        let one = try #require(statistics.row("get home-page one"))
        #expect([one.calls, one.errors] == [3, 1])
        #expect(abs(one.mean - 800.0 / 3) < 1e-9)
        let two = try #require(statistics.row("get home-page two"))
        #expect([two.calls, two.errors] == [2, 0])
        // Median of two values: their mean, (200 + 500)/2.
        #expect(two.median == 350)
        #expect(statistics.global.calls == 8)
    }

    @Test func aliasesRenameKeysTheFirstMatchWinsAndRenamedRowsMerge() throws {
        let run = try Fixtures.latest()
        let merged = ReportStatistics(run: run, options: StatisticsOptions(key: .actionTypeAndComment, aliases: [try ActionAlias(argument: "get home-page.*=home")]))
        #expect(merged.rows.map(\.key) == ["home", "login-form"])
        #expect(merged.row("home").map { [$0.calls, $0.errors] } == [5, 1])

        let first = ReportStatistics(run: run, options: StatisticsOptions(aliases: [try ActionAlias(argument: "get .*=GET"), try ActionAlias(argument: "get home=HOME")]))
        #expect(first.rows.map(\.key) == ["GET", "login"])
        // The pattern must match the whole key: "log" alone does not rename login.
        let partial = ReportStatistics(run: run, options: StatisticsOptions(aliases: [try ActionAlias(argument: "log=auth")]))
        #expect(partial.rows.map(\.key) == ["get home", "login"])
    }

    @Test func badAliasesAreRefused() {
        #expect(throws: ActionAliasError.self) { try ActionAlias(argument: "no equals sign") }
        #expect(throws: ActionAliasError.self) { try ActionAlias(argument: "get (=GET") }
        #expect(throws: ActionAliasError.self) { try ActionAlias(argument: "get=") }
        // A pattern may hold '=': the name is after the last one.
        #expect((try? ActionAlias(argument: "a=b=c"))?.pattern == "a=b")
    }

    @Test func aDateWindowKeepsTheEventsDatedInsideAndCutsTheThroughputsWindow() throws {
        // Events dated 1500…2600: get home 200 (1500), 300 (2600) and the failure (2000);
        // login 50 (2200), 60 (1800) and the timeout (2500). Window 1500…2600 ms = 1.1 s.
        let statistics = ReportStatistics(run: try Fixtures.latest(), options: StatisticsOptions(from: 1500, to: 2600))
        #expect(statistics.window == RunWindow(start: 1500, end: 2600))
        let home = try #require(statistics.row("get home"))
        #expect([home.calls, home.errors] == [2, 1])
        #expect([home.min, home.max] == [200, 300])
        #expect(abs(home.throughput - 2 / 1.1) < 1e-9)
        let login = try #require(statistics.row("login"))
        #expect([login.calls, login.errors] == [2, 1])
        #expect(login.mean == 55)
    }

    @Test func theTimeSeriesCountsEachSecondsEvents() throws {
        let series = TimeSeries(run: try Fixtures.latest())
        // The window (0.1 s … 4.1 s) covers seconds 0 to 4.
        #expect(series.seconds == 0...4)
        let home = try #require(series.series["get home"])
        // get home: second 1: 100 (1000), 400 (1200), 200 (1500); second 2: 500 (2900),
        // 300 (2600) and the failure (2000).
        #expect(home.map(\.calls) == [0, 3, 2, 0, 0])
        #expect(home.map(\.errors) == [0, 0, 1, 0, 0])
        #expect(home[1].p50 == 200)
        #expect(home[2].p50 == 400)
        #expect(home[0].p50 == nil)
        // All: second 1: 100, 200, 400, login 60; second 2: 300, 500, login 50 (and two
        // failures); second 3: login 70.
        #expect(series.global.map(\.calls) == [0, 4, 3, 1, 0])
        #expect(series.global.map(\.errors) == [0, 0, 2, 0, 0])
    }

    @Test func percentilesInterpolateAsCommonsMath() {
        let values: [Int64] = Array(1...10).map { Int64($0 * 10) }
        // Position p·(n+1)/100: p50 → 5.5 → 50 + 0.5·10 = 55; p90 → 9.9 → 90 + 0.9·10 = 99;
        // p5 → 0.55 < 1 → the minimum; p99 → 10.89 ≥ 10 → the maximum.
        #expect(Percentile.of(50, sorted: values) == 55)
        #expect(abs(Percentile.of(90, sorted: values) - 99) < 1e-9)
        #expect(Percentile.of(5, sorted: values) == 10)
        #expect(Percentile.of(99, sorted: values) == 100)
        #expect(Percentile.of(50, sorted: [Int64]()) == 0)
        #expect(Percentile.of(50, sorted: [Int64(7)]) == 7)
    }
}
