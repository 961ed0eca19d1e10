import ClifReports
import Foundation
import Testing

@Suite("HTML report")
struct HTMLReportTests {
    static func page(thresholds: [String] = ["p99 < 600ms", "p99{get home} < 200ms"]) throws -> String {
        HTMLReport(run: try Fixtures.latest(), thresholds: try Threshold.parse(thresholds)).html
    }

    @Test func theHTMLParsesWithLibxml2sHTMLParserAndIsWellFormedXML() throws {
        let html = try Self.page()
        let parsed = LibXML2Check.html(html)
        #expect(parsed.parsed)
        // libxml2 2.9 knows HTML 4: inline SVG's elements are "unknown tags" (error 801) to it,
        // and nothing else may be reported.
        let other = parsed.problems.filter { problem in
            !(problem.code == 801 && LibXML2Check.svgElements.contains { problem.message.contains("Tag \($0) invalid") })
        }
        #expect(other.isEmpty, "\(other)")
        let xml = LibXML2Check.xml(html)
        #expect(xml.parsed)
        #expect(xml.problems.isEmpty, "\(xml.problems)")
    }

    @Test func thePageLoadsNothing() throws {
        let html = try Self.page()
        let parsed = LibXML2Check.html(html)
        for attribute in parsed.attributes where ["src", "href", "xlink:href", "action", "data", "srcset", "poster"].contains(attribute.name.lowercased()) {
            #expect(!attribute.value.contains("//"), "\(attribute.element) \(attribute.name)=\(attribute.value)")
            #expect(!attribute.value.lowercased().hasPrefix("http"), "\(attribute.element) \(attribute.name)=\(attribute.value)")
            #expect(attribute.value.hasPrefix("#"), "only links inside the page: \(attribute.element) \(attribute.name)=\(attribute.value)")
        }
        for element in ["script", "link", "img", "iframe", "object", "embed", "image", "use"] {
            #expect(!parsed.elements.contains(element), "<\(element)>")
        }
        for style in parsed.texts["style", default: []] {
            #expect(!style.contains("url("))
            #expect(!style.contains("@import"))
        }
        #expect(!parsed.attributes.contains { $0.name == "style" && $0.value.contains("url(") })
        // The one URL of the fixture (an alarm's message) is text, escaped.
        #expect(html.contains("slow answers from &lt;backend&gt; &amp; co, see http://backend.example/status"))
    }

    @Test func thePageShowsStatisticsChartsProbesLifecyclesAlarmsAndWarnings() throws {
        let html = try Self.page()
        let parsed = LibXML2Check.html(html)
        let captions = parsed.texts["div", default: []].filter { !$0.contains("\n") }
        // Throughput, errors, and latency per action type; the probe's CPU.
        for caption in ["Throughput: successful calls per second", "Errors per second", "Latency of get home, each second", "Latency of login, each second", "cpu0: cpu"] {
            #expect(captions.contains(caption), "no chart '\(caption)'")
        }
        #expect(parsed.elements.filter { $0 == "svg" }.count == 5)
        // The p50/p90/p99 lines of a latency chart, the CPU's columns.
        #expect(html.contains(">p50</span>") && html.contains(">p90</span>") && html.contains(">p99</span>"))
        #expect(html.contains(">%CPU user</span>"))
        // The quick statistics, with CLIF's columns.
        let cells = parsed.texts["td", default: []]
        #expect(cells.contains("GLOBAL LOAD"))
        #expect(cells.contains("172.461"))
        // The aborted blade stands out, with its reason; the thresholds failed are listed first.
        #expect(html.contains("<strong>Blade inj2 aborted</strong> at 3.900 s"))
        #expect(html.contains("<li>too many errors: injector aborted</li>"))
        #expect(html.contains("<tr class=\"aborted\"><td>inj2</td>"))
        #expect(html.contains("<strong>1 threshold failed</strong>"))
        // Lifecycles in order, alarms, warnings with file:line.
        #expect(html.contains("0.100 s starting</span> → <span class=\"state\">0.100 s running"))
        #expect(cells.contains("fatal"))
        #expect(html.contains(Fixtures.latestRun + "/inj2/action:4: warning: "))
    }

    @Test func textFromFilesIsEscaped() throws {
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let hostile = "<script src=\"http://evil.example/x.js\"></script>&amp;"
        let events = [Fixtures.event(hostile, 10, at: 100), Fixtures.event("ok", 10, at: 200, success: false)]
        let run = try ReportReader.read(directory: try Fixtures.ours(events, end: 1000, in: folder))
        let html = HTMLReport(run: run).html
        #expect(!html.contains(hostile))
        #expect(html.contains("&lt;script src=&quot;http://evil.example/x.js&quot;&gt;&lt;/script&gt;&amp;amp;"))
        let parsed = LibXML2Check.html(html)
        #expect(!parsed.elements.contains("script"))
        #expect(parsed.texts["td", default: []].contains(hostile))
    }

    @Test func aRunWithoutEventsStillMakesAPage() throws {
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let run = try ReportReader.read(directory: try Fixtures.ours([], end: 1000, in: folder))
        let html = HTMLReport(run: run).html
        #expect(html.contains("No action event in this run."))
        #expect(LibXML2Check.xml(html).problems.isEmpty)
    }
}
