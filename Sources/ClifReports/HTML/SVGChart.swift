/// A line chart as inline SVG markup: axes with ticks, one polyline a series (a nil value
/// breaks the line), a legend. Pure text: no script, no external resource, every label escaped.
struct SVGChart {
    struct Series {
        var name: String
        /// (x, y); y nil: no value at x.
        var points: [(x: Double, y: Double?)]
        /// A CSS colour.
        var color: String
        var dashed = false
    }

    var label: String
    var xUnit: String
    var yUnit: String
    var series: [Series]
    var width = 760.0
    var height = 240.0

    static let palette = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#7f7f7f", "#bcbd22"]

    private let left = 64.0, right = 16.0, top = 12.0, bottom = 26.0

    var svg: String {
        let xs = series.flatMap { $0.points.map(\.x) }
        let ys = series.flatMap { $0.points.compactMap(\.y) }
        let minX = xs.min() ?? 0
        let maxX = Swift.max(xs.max() ?? 1, minX + 1)
        let yTick = Self.niceStep((ys.max() ?? 0) / 4)
        let maxY = Swift.max(((ys.max() ?? 0) / yTick).rounded(.up) * yTick, yTick)
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        func px(_ x: Double) -> Double { left + (x - minX) / (maxX - minX) * plotWidth }
        func py(_ y: Double) -> Double { top + plotHeight - y / maxY * plotHeight }
        func n(_ value: Double) -> String { QuickStats.format(value, 1) }

        var out = "<svg class=\"chart\" viewBox=\"0 0 \(n(width)) \(n(height))\" width=\"\(n(width))\" height=\"\(n(height))\" role=\"img\" aria-label=\"\(MarkupEscaping.attribute(label))\">\n"
        out += "<rect x=\"\(n(left))\" y=\"\(n(top))\" width=\"\(n(plotWidth))\" height=\"\(n(plotHeight))\" fill=\"#fff\" stroke=\"#bbb\"/>\n"
        // Horizontal grid and y labels.
        var y = 0.0
        while y <= maxY + yTick / 2 {
            out += "<line x1=\"\(n(left))\" y1=\"\(n(py(y)))\" x2=\"\(n(left + plotWidth))\" y2=\"\(n(py(y)))\" stroke=\"#eee\"/>"
            out += "<text x=\"\(n(left - 6))\" y=\"\(n(py(y) + 4))\" text-anchor=\"end\" class=\"tick\">\(MarkupEscaping.text(Self.label(y, step: yTick)))</text>\n"
            y += yTick
        }
        // x ticks.
        let xTick = Self.niceStep((maxX - minX) / 8)
        var x = (minX / xTick).rounded(.up) * xTick
        while x <= maxX + xTick / 1000 {
            out += "<line x1=\"\(n(px(x)))\" y1=\"\(n(top + plotHeight))\" x2=\"\(n(px(x)))\" y2=\"\(n(top + plotHeight + 4))\" stroke=\"#999\"/>"
            out += "<text x=\"\(n(px(x)))\" y=\"\(n(top + plotHeight + 16))\" text-anchor=\"middle\" class=\"tick\">\(MarkupEscaping.text(Self.label(x, step: xTick)))</text>\n"
            x += xTick
        }
        out += "<text x=\"\(n(left + plotWidth))\" y=\"\(n(top + 10))\" text-anchor=\"end\" class=\"axis\">\(MarkupEscaping.text(xUnit))</text>\n"
        out += "<text x=\"4\" y=\"\(n(top + 8))\" class=\"axis\">\(MarkupEscaping.text(yUnit))</text>\n"
        // Lines.
        for line in series {
            var segment: [String] = []
            func flush() {
                guard !segment.isEmpty else { return }
                if segment.count == 1 {
                    let xy = segment[0].split(separator: ",")
                    out += "<circle cx=\"\(xy[0])\" cy=\"\(xy[1])\" r=\"2.5\" fill=\"\(line.color)\"/>\n"
                } else {
                    out += "<polyline fill=\"none\" stroke=\"\(line.color)\" stroke-width=\"1.6\"\(line.dashed ? " stroke-dasharray=\"5 3\"" : "") points=\"\(segment.joined(separator: " "))\"/>\n"
                }
                segment = []
            }
            for point in line.points {
                if let value = point.y { segment.append("\(n(px(point.x))),\(n(py(value)))") } else { flush() }
            }
            flush()
        }
        out += "</svg>\n"
        return out
    }

    /// The legend, as HTML: a coloured mark and the name of each series.
    var legend: String {
        "<div class=\"legend\">" + series.map { line in
            "<span><span class=\"mark\" style=\"background:\(line.color)\"></span>\(MarkupEscaping.text(line.name))</span>"
        }.joined(separator: " ") + "</div>\n"
    }

    /// The chart and its legend, in a figure with a caption.
    var figure: String {
        "<div class=\"figure\"><div class=\"caption\">\(MarkupEscaping.text(label))</div>\n" + svg + legend + "</div>\n"
    }

    /// 1, 2 or 5 times a power of ten, at least `raw`.
    static func niceStep(_ raw: Double) -> Double {
        guard raw > 0, raw.isFinite else { return 1 }
        var power = 1.0
        while power * 10 <= raw { power *= 10 }
        while power > raw { power /= 10 }
        for factor in [1.0, 2, 5, 10] where power * factor >= raw { return power * factor }
        return power * 10
    }

    static func label(_ value: Double, step: Double) -> String {
        step >= 1 ? QuickStats.format(value, 0) : QuickStats.format(value, step >= 0.1 ? 1 : 2)
    }
}
