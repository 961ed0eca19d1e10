import NIOCore

/// An event loop as a task executor: tasks that prefer it run on the loop's thread, next to
/// the connection's reads and writes, with no hand-off between threads.
///
/// Only for code that never blocks: while a task runs there, the loop neither reads, writes
/// nor answers heartbeats for any of its connections.
final class EventLoopExecutor: TaskExecutor {
    let loop: any EventLoop

    init(_ loop: any EventLoop) {
        self.loop = loop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        loop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
