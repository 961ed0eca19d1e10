@testable import ClifHTTP
import NIOCore
import Testing

@Suite("HTTP response parser")
struct HTTPResponseParserTests {
    /// Feeds `text` in pieces of `step` bytes; returns (status, body, closes) of each response.
    func parse(_ text: String, step: Int = .max, head: Bool = false, close: Bool = false) throws -> [(Int, String, Bool)] {
        var parser = HTTPResponseParser()
        parser.expectsNoBody = head
        var events: [HTTPResponseParser.Event] = []
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let end = min(bytes.count, offset + min(step, bytes.count))
            var part = ByteBuffer(bytes: bytes[offset..<end])
            try parser.feed(&part, into: &events)
            offset = end
        }
        if close { _ = parser.end(into: &events) }
        return events.map { event in
            switch event { case .response(let head, let body, _): (head.status, body.map { String(buffer: $0) } ?? "", head.closes) }
        }
    }

    @Test func setCookieIsNoticedWhileParsingTheHead() throws {
        var parser = HTTPResponseParser()
        var events: [HTTPResponseParser.Event] = []
        var bytes = ByteBuffer(string: "HTTP/1.1 200 OK\r\nX-Set-Cookie: no\r\nContent-Length: 0\r\n\r\n"
            + "HTTP/1.1 200 OK\r\nSET-COOKIE: id=1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")
        try parser.feed(&bytes, into: &events)
        #expect(events.map { event in
            switch event { case .response(let head, _, _): head.setsCookie }
        } == [false, true])
    }

    @Test func contentLengthKeepAlive() throws {
        let response = "HTTP/1.1 200 OK\r\nServer: nginx\r\nContent-Length: 12\r\n\r\nhello world\n"
        for step in [1, 3, 7, 1000] {
            let parsed = try parse(response + response, step: step)
            #expect(parsed.count == 2)
            #expect(parsed.allSatisfy { $0 == (200, "hello world\n", false) })
        }
    }

    @Test func chunkedWithExtensionsAndTrailers() throws {
        let response = "HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n5;name=x\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: 1\r\n\r\n"
        for step in [1, 4, 1000] {
            let parsed = try parse(response, step: step)
            #expect(parsed.count == 1)
            #expect(parsed.first! == (201, "hello world", false))
        }
    }

    @Test func headAndNoContentHaveNoBody() throws {
        #expect(try parse("HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n", head: true).first! == (200, "", false))
        #expect(try parse("HTTP/1.1 204 No Content\r\n\r\nHTTP/1.1 304 Not Modified\r\n\r\n").map(\.0) == [204, 304])
    }

    @Test func informationalResponsesAreSkipped() throws {
        #expect(try parse("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok").map(\.0) == [200])
    }

    @Test func aBodyWithoutLengthEndsWithTheConnection() throws {
        #expect(try parse("HTTP/1.0 200 OK\r\n\r\nuntil the end", close: true).first! == (200, "until the end", true))
        #expect(try parse("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok").first! == (200, "ok", true))
    }

    @Test func garbageIsRefused() {
        #expect(throws: HTTPResponseParser.ParseError.self) { try parse("\u{1}\u{2}NOT HTTP AT ALL\r\n\r\n") }
        #expect(throws: HTTPResponseParser.ParseError.self) { try parse("HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n") }
        #expect(throws: HTTPResponseParser.ParseError.self) { try parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n") }
        #expect(throws: HTTPResponseParser.ParseError.self) { try parse("HTTP/1.1 200 OK\r\nX: " + String(repeating: "a", count: 70_000)) }
    }
}
