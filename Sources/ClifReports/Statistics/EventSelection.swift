import ClifCore

/// A run's action events grouped the way the options say: keyed, aliased, cut to the date
/// window, outliers dropped from the successful ones. Statistics and time series share it, so
/// they count the same events.
struct EventSelection {
    struct Group {
        /// Successful events kept, sorted by duration.
        var kept: [ActionEvent] = []
        /// Failed events.
        var failed: [ActionEvent] = []
        var outliersRemoved = 0
    }

    var groups: [String: Group] = [:]

    init(events: some Sequence<ActionEvent>, options: StatisticsOptions) {
        var rename = ActionAlias.Renamer(options.aliases)
        for event in events where options.includes(event.date) {
            let key = rename(options.baseKey(event))
            if event.success {
                groups[key, default: Group()].kept.append(event)
            } else {
                groups[key, default: Group()].failed.append(event)
            }
        }
        for key in groups.keys {
            var group = groups[key]!
            group.kept.sort { ($0.duration, $0.date) < ($1.duration, $1.date) }
            if let cleanup = options.outliers {
                let range = cleanup.kept(group.kept.map(\.duration))
                group.outliersRemoved = group.kept.count - range.count
                group.kept = Array(group.kept[range])
            }
            groups[key] = group
        }
    }

    /// Every group's events together, successful ones sorted by duration.
    var all: Group {
        var total = Group()
        for group in groups.values {
            total.kept += group.kept
            total.failed += group.failed
            total.outliersRemoved += group.outliersRemoved
        }
        total.kept.sort { ($0.duration, $0.date) < ($1.duration, $1.date) }
        return total
    }
}
