import Foundation

/// Writes `get.xis` in `folder`: sessions loop on a GET of `base`/; with `users`, a load profile
/// of that many sessions for a minute. Returns its path.
func loopingGetScenario(base: String, in folder: String, users: Int? = nil) throws -> String {
    let path = folder + "/get.xis"
    let profile = users.map { """
        <loadprofile><group behavior="B0" forceStop="true">
          <ramp style="line"><points><point x="0" y="\($0)"/><point x="60" y="\($0)"/></points></ramp>
        </group></loadprofile>
        """ } ?? ""
    try """
    <?xml version="1.0" encoding="UTF-8"?>
    <!DOCTYPE scenario SYSTEM "classpath:org/ow2/clif/scenario/isac/dtd/scenario.dtd">
    <scenario><behaviors><plugins>
      <use id="http" name="HttpInjector"><params><param name="baseURL" value="\(base)"/></params></use>
      <use id="common" name="Common"/>
    </plugins>
    <behavior id="B0"><while><condition use="common" name="true"/>
      <sample use="http" name="get"><params><param name="uri" value="/"/></params></sample>
    </while></behavior></behaviors>\(profile)</scenario>
    """.write(toFile: path, atomically: true, encoding: .utf8)
    return path
}
