import ClifCore
import ClifScenario
import Testing

// `clif scenario show`: the text of a scenario.

@Suite struct ScenarioSummaryTests {
    @Test func profilesScenario() throws {
        let text = ScenarioSummary.text(of: try ISAC.read(file: Fixtures.valid("profiles")))
        #expect(text == """
            Plug-ins
              rand     Random   max=2000, min=0
              common   Common
              chrono   Chrono
              counter  Counter  shared=enable;, start=1
            Behaviours
              browse
                control chrono.start
                while chrono.lessThan  duration=60000
                  nchoice
                    choice 9 (90 %)
                      sample rand.action  comment=page ${counter:}, successful=enable;
                    choice 1 (10 %)
                      sample common.log  comment=slow page, duration=${chrono:}, iteration=0, result='', successful=''
                  control counter.increment
                  timer rand.sleep
              buy
                if common.equals  left=${counter:}, right=1
                then
                  control common.alarm  message=first buyer, severity=0
                else
                  timer rand.sleep
                preemptive common.true
                  sample rand.action  comment=checkout, successful=enable;
            Load profile: 120 s (2 min)
              group browse (forceStop: sessions still running at the end are stopped)
                t (s)  sessions  then
                    0         0  line
                   30        50  line
                   90        50  arc
                  120         0  end
                ends at 120 s (2 min)
              group buy (forceStop: sessions still running at the end finish their behaviour)
                t (s)  sessions  then
                    0         5  crenel_hv
                   60        20  crenel_vh
                  100        20  end
                ends at 100 s (1 min 40 s)

            """)
    }

    @Test func populationBetweenBreakpointsFollowsTheStyle() {
        let scenario = Scenario {
            Behavior("B0") {}
            Group("B0") {
                CrenelVH((0, 0), (10, 4))
                CrenelHV((10, 4), (20, 8))
                Line((20, 8), (25, 2.5))
            }
        }
        let text = ScenarioSummary.text(of: scenario)
        // crenel_vh jumps to 4 at once; crenel_hv holds 4 until it jumps at 20; sessions are
        // whole (2.5 is 2).
        #expect(text.contains("""
                t (s)  sessions  then
                    0         4  crenel_vh
                   10         4  crenel_hv
                   20         8  line
                   25         2  end
                ends at 25 s
            """))
        #expect(text.contains("B0 (no steps)"))
        #expect(text.hasPrefix("Plug-ins: none\n"))
    }

    @Test func emptyScenario() {
        #expect(ScenarioSummary.text(of: Scenario()) == """
            Plug-ins: none
            Behaviours: none
            Load profile: none (give one on the command line)

            """)
    }

    @Test func longValuesAreCut() {
        let scenario = Scenario {
            Use("ctx", "Context", ["variables": String(repeating: "a=b;", count: 1000)])
            Group("B0") { Line((0, 1), (3_725, 1)) }
        }
        let text = ScenarioSummary.text(of: scenario)
        #expect(text.contains("variables=" + String(repeating: "a=b;", count: 15) + "…\n"))
        #expect(text.contains("Load profile: 3725 s (1 h 2 min 5 s)"))
    }

    @Test func groupWithoutRamps() {
        let scenario = Scenario(groups: [PopulationGroup(behavior: "B0", ramps: [])])
        #expect(ScenarioSummary.text(of: scenario).hasSuffix("""
            Load profile: 0 s
              group B0 (forceStop: sessions still running at the end are stopped)
                no ramp: no session runs

            """))
    }
}
